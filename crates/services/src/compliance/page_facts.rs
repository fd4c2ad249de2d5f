//! The facts of one page of orgs for the full check ([`super`]): read in a few statements
//! whatever the page size (posts, member counts, meetings with attendance and votes, dues,
//! transfers), then taken apart org by org.

use chrono::NaiveDate;
use domain::codes::MemberStatus;
use domain::dates::Iso;
use domain::family::coverage::CoverageFacts;
use domain::family::dues::DuesFacts;
use domain::family::lifecycle::away::AwayFact;
use domain::family::lifecycle::mobile::MobileFact;
use domain::family::lifecycle::{LifecycleFacts, SuspensionFact, TransferFact};
use domain::family::org_life::{LifeFacts, PendingRequest, RecordFact, VoteFact};
use domain::family::recruitment::PathFacts;
use domain::family::study::{self, StudyFacts, YearHours};
use domain::family::{OrgFacts, PostSpan};
use domain::org::{OrgKind, PostKind};
use domain::org_life::{Attendance, Attendee, MeetingKind, VotePurpose};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use storage::check;
use storage::org::OrgRow;
use storage::transfer::Direction;

use crate::{Result, ServiceError};

/// The dates of a check: members are counted on `on`; meetings are read from `from` to `to`,
/// posts from `from` to `posts_to` (the later of the year's end and `on`).
pub(super) struct Range {
    on: String,
    from: String,
    to: String,
    posts_to: String,
    /// The study family's day and year when it has something to say ([`study::in_season`]):
    /// hours are read only then.
    study: Option<(String, i32)>,
}

/// What the rules need about one page of orgs, by org id: the organizational-life family's and
/// the structure family's facts, read together because both are about the page's orgs.
#[derive(Default)]
pub(super) struct PageFacts {
    posts: HashMap<i64, Vec<PostSpan>>,
    /// By org, span kind and status.
    counts: HashMap<(i64, String, MemberStatus), i64>,
    /// By org: the page's orgs', and those of the groups of the page's branches that fall
    /// outside the page.
    records: HashMap<i64, Vec<RecordFact>>,
    /// The groups of each branch of the page (CON-LAPSE reads their meetings with the branch's).
    groups: HashMap<i64, Vec<i64>>,
    /// Meetings of the page's orgs.
    pub(super) meetings: u64,
    /// By branch: its members' recorded months without assigned work (CON-LAPSE).
    no_work: HashMap<i64, BTreeMap<i64, BTreeSet<NaiveDate>>>,
    /// By branch: its members' dues and its publications (the dues family).
    dues: HashMap<i64, DuesFacts>,
    /// By branch: the transfers it sent and is sent that were pending on the day checked.
    lifecycle: HashMap<i64, LifecycleFacts>,
    /// By branch: the people in recruitment (the recruitment family).
    recruits: HashMap<i64, Vec<PathFacts>>,
    /// By org: its members' and post holders' class hours of the year (the study family).
    study: HashMap<i64, StudyFacts>,
    /// By org: the requests from below pending with it on the day checked (REPORT-ONE-MATTER).
    requests: HashMap<i64, Vec<PendingRequest>>,
    /// By org: the units it registered, with what covers each on the day checked (COVER-PRIVATE).
    coverage: HashMap<i64, CoverageFacts>,
}

/// The units `org` registered, taken out of the page's facts (the coverage family).
pub(super) fn coverage_of(facts: &mut PageFacts, org: i64) -> CoverageFacts {
    facts.coverage.remove(&org).unwrap_or_default()
}

/// Reads the facts of `orgs` on a task of its own (nothing to read for an empty page).
pub(super) fn spawn_page_facts(
    db: &storage::Db,
    orgs: &[OrgRow],
    range: &Arc<Range>,
) -> tokio::task::JoinHandle<Result<PageFacts>> {
    let db = db.clone();
    let range = Arc::clone(range);
    let ids: Vec<i64> = orgs.iter().map(|o| o.id).collect();
    let member_orgs: Vec<i64> =
        orgs.iter().filter(|o| matches!(o.kind, OrgKind::Branch | OrgKind::Group)).map(|o| o.id).collect();
    let branches: Vec<i64> = orgs.iter().filter(|o| o.kind == OrgKind::Branch).map(|o| o.id).collect();
    tokio::spawn(async move { page_facts(&db, &ids, &member_orgs, &branches, &range).await })
}

pub(super) fn date(s: &str, what: &str) -> Result<NaiveDate> {
    domain::dates::parse_iso(s).ok_or_else(|| ServiceError::Internal(format!("{what}: not a date: {s}")))
}

/// The facts of one page: the groups of its branches, then four statements (the meetings, with
/// their attendance and votes, in two halves) run at once on
/// separate connections, unpacked, then the lectures of everyone who was a secretary.
async fn page_facts(
    db: &storage::Db,
    ids: &[i64],
    member_orgs: &[i64],
    branches: &[i64],
    range: &Range,
) -> Result<PageFacts> {
    let mut out = PageFacts::default();
    if ids.is_empty() {
        return Ok(out);
    }
    // A branch's groups follow it in path order, but a page may end between them (and a closed
    // group is never in a page): the meetings of those are read with the page's.
    let in_page: HashSet<i64> = ids.iter().copied().collect();
    let mut read = ids.to_vec();
    for (group, branch) in check::groups_of(db, branches).await? {
        if !in_page.contains(&group) {
            read.push(group);
        }
        out.groups.entry(branch).or_default().push(group);
    }
    // The meetings with their attendance are most of a page's reading, and one statement runs
    // on one core: two statements over the two halves of the page run on two, which halves the
    // time the next page takes to arrive (the check waits for that, not for the rules).
    let (first, second) = read.split_at(read.len().div_ceil(2));
    let (page_posts, page_counts, mut page_meetings, more_meetings, dues) = tokio::try_join!(
        check::posts_between(db, ids, &range.from, &range.posts_to),
        check::member_counts_on(db, member_orgs, &range.on),
        check::meetings_of(db, first, &range.from, &range.to),
        check::meetings_of(db, second, &range.from, &range.to),
        check::dues_of(db, branches, &range.from, &range.posts_to),
    )?;
    out.dues = crate::dues::run::dues_facts(dues);
    page_meetings.extend(more_meetings);
    for r in storage::major_matter_report::pending_with(db, ids, &range.on).await? {
        let request =
            PendingRequest { id: r.id, received_on: r.received_on, title: r.title, from_org_name: r.from_org_name };
        out.requests.entry(r.to_org_id).or_default().push(request);
    }
    for direction in [Direction::Sent, Direction::Incoming] {
        for t in storage::transfer::pending_facts(db, branches, direction, &range.on).await? {
            let facts = out.lifecycle.entry(t.org_id).or_default();
            let list = if direction == Direction::Sent { &mut facts.sent } else { &mut facts.incoming };
            list.push(TransferFact {
                id: t.id,
                member_id: t.member_id,
                member_name: t.member_name,
                kind: t.kind,
                state: t.state,
                letter_no: t.letter_no,
                issued_on: t.issued_on,
                valid_days: u32::try_from(t.valid_days)
                    .map_err(|_| ServiceError::Internal(format!("transfers {}: valid_days {}", t.id, t.valid_days)))?,
            });
        }
    }
    // EDU-SUSPEND: the members suspended today, by the day their suspension began.
    for s in storage::decision::suspended_of(db, branches, &range.on).await? {
        out.lifecycle.entry(s.branch_id).or_default().suspended.push(SuspensionFact {
            member_id: s.member_id,
            member_name: s.name,
            suspended_on: s.suspended_on,
        });
    }
    // EDU-FLOATING: the mobile members and their latest contact on the day.
    for m in storage::contact::mobile_of(db, branches, &range.on).await? {
        out.lifecycle.entry(m.branch_id).or_default().mobile.push(MobileFact {
            member_id: m.member_id,
            member_name: m.name,
            destination: m.destination,
            left_on: m.left_on,
            last_contact: m.last_contact,
        });
    }
    // DEV-*: the people in recruitment and their steps (the family sees only those up to the day).
    for (r, steps) in storage::recruit::open_paths_of_branches(db, branches).await? {
        out.recruits.entry(r.branch_id).or_default().push(crate::recruitment::path_facts_of(&r, &steps));
    }
    // EDU-TRANSFER (away at a fixed place) and EDU-GRADS: the members away on the day.
    for a in storage::away::away_of(db, branches, &range.on).await? {
        out.lifecycle.entry(a.branch_id).or_default().away.push(AwayFact {
            member_id: a.member_id,
            member_name: a.name,
            kind: a.kind,
            left_on: a.left_on,
            destination: a.destination,
            fixed_place: a.fixed_place,
            extended_to: a.extended_to,
            last_contact: a.last_contact,
            transfer_pending: a.transfer_pending,
        });
    }
    if let Some((on, year)) = &range.study {
        study_facts(db, &mut out, ids, branches, &page_posts, on, *year).await?;
    }
    // COVER-PRIVATE: the units the page's orgs registered, and what covers each on the day.
    for (org, unit) in storage::unit::coverage_facts(db, ids, date(&range.on, "the day checked")?).await? {
        out.coverage.entry(org).or_default().units.push(unit);
    }
    for w in check::work_refusals_of(db, branches, &range.from, &range.to).await? {
        let month = date(&w.month, "member_work_refusals.month")?;
        out.no_work.entry(w.branch_id).or_default().entry(w.member_id).or_default().insert(month);
    }
    // MTG-LESSON: the lectures the page's secretaries gave in other orgs (their own orgs'
    // lectures come with the meetings below); whether one counts depends on who was secretary
    // on its date, which the rules decide.
    let mut secretaries: HashMap<i64, Vec<i64>> = HashMap::new();
    for p in page_posts.iter().filter(|p| p.post == PostKind::Secretary) {
        let orgs = secretaries.entry(p.member_id).or_default();
        if !orgs.contains(&p.org_id) {
            orgs.push(p.org_id);
        }
    }
    let mut ids_of_secretaries: Vec<i64> = secretaries.keys().copied().collect();
    ids_of_secretaries.sort_unstable();
    let lectures = check::lectures_by(db, &ids_of_secretaries, &range.from, &range.to).await?;
    for p in page_posts {
        let span = PostSpan { member_id: p.member_id, post: p.post, start: p.start_on, end: p.end_on };
        out.posts.entry(p.org_id).or_default().push(span);
    }
    out.counts = page_counts.into_iter().map(|c| ((c.org_id, c.kind, c.status), c.n)).collect();
    for org_meetings in &page_meetings {
        let org_id = org_meetings.org_id;
        let list = out.records.entry(org_id).or_default();
        for m in org_meetings.meetings()? {
            if in_page.contains(&org_id) {
                out.meetings += 1;
            }
            let kind = MeetingKind::parse(m.kind)
                .ok_or_else(|| ServiceError::Internal(format!("meetings {}: unknown kind {}", m.id, m.kind)))?;
            let mut r = RecordFact::new(m.id, org_id, kind, date(m.held_on, "meetings.held_on")?);
            for a in m.attendees()? {
                let value = Attendance::parse(a.attendance).ok_or_else(|| {
                    ServiceError::Internal(format!("meeting_attendance {}: unknown attendance {}", m.id, a.attendance))
                })?;
                r.attendance.push(Attendee {
                    member_id: a.member_id,
                    probationary: a.probationary,
                    attendance: value,
                    guest: a.dual_org_life,
                });
            }
            r.lecturer_id = m.lecturer_member_id;
            r.by_principal = m.by_principal;
            r.has_vote = m.has_vote != 0;
            for v in m.votes()? {
                let purpose = VotePurpose::parse(v.purpose).ok_or_else(|| {
                    ServiceError::Internal(format!("meeting_resolutions {}: unknown purpose {}", m.id, v.purpose))
                })?;
                let n = |x: i64| {
                    u32::try_from(x).map_err(|_| {
                        ServiceError::Internal(format!("meeting_resolutions {}: count out of range {x}", m.id))
                    })
                };
                r.votes.push(VoteFact {
                    purpose,
                    voters_expected: n(v.voters_expected)?,
                    voters_present: n(v.voters_present)?,
                    yes: n(v.yes)?,
                });
            }
            list.push(r);
        }
    }
    for l in lectures {
        let held_on = l.held_on;
        for org in secretaries.get(&l.lecturer_member_id).into_iter().flatten() {
            if *org == l.org_id {
                continue;
            }
            let mut r = RecordFact::new(l.id, l.org_id, MeetingKind::PartyLecture, held_on);
            r.lecturer_id = Some(l.lecturer_member_id);
            out.records.entry(*org).or_default().push(r);
        }
    }
    Ok(out)
}

/// EDU-TRAIN-HOURS and EDU-SEC-HOURS: the hours of the page's branch members on the day, and of
/// everyone holding a post on it. A branch's post holders are its members, whose hours are
/// already read; only those of committees and general branches are read by person.
async fn study_facts(
    db: &storage::Db,
    out: &mut PageFacts,
    ids: &[i64],
    branches: &[i64],
    posts: &[check::PostSpanRow],
    on: &str,
    year: i32,
) -> Result<()> {
    let day = date(on, "the day judged")?;
    let branch_set: HashSet<i64> = branches.iter().copied().collect();
    let others: Vec<i64> = ids.iter().copied().filter(|id| !branch_set.contains(id)).collect();
    let (members, holders) = tokio::try_join!(
        storage::training::branch_hours(db, branches, on, year),
        storage::training::post_holder_hours(db, &others, on, year),
    )?;
    let mut by_member: HashMap<i64, YearHours> = HashMap::new();
    for row in members {
        let org = row.org_id;
        let h = year_hours(row)?;
        by_member.insert(h.member_id, h.clone());
        out.study.entry(org).or_default().members.push(h);
    }
    for row in holders {
        let org = row.org_id;
        out.study.entry(org).or_default().post_holders.push(year_hours(row)?);
    }
    let mut seen: HashSet<(i64, i64)> = HashSet::new();
    let mut outsiders: Vec<(i64, i64)> = Vec::new();
    for p in posts.iter().filter(|p| branch_set.contains(&p.org_id)) {
        let covers = p.start_on <= day && p.end_on.is_none_or(|e| day <= e);
        if !covers || !seen.insert((p.org_id, p.member_id)) {
            continue;
        }
        match by_member.get(&p.member_id) {
            Some(h) => out.study.entry(p.org_id).or_default().post_holders.push(h.clone()),
            // A post holder who is not a member of the branch on the day (a secretary sent
            // from elsewhere): read by person below.
            None => outsiders.push((p.org_id, p.member_id)),
        }
    }
    if !outsiders.is_empty() {
        let mut ids: Vec<i64> = outsiders.iter().map(|(_, m)| *m).collect();
        ids.sort_unstable();
        ids.dedup();
        let read: HashMap<i64, YearHours> = storage::training::members_hours(db, &ids, year)
            .await?
            .into_iter()
            .map(|r| year_hours(r).map(|h| (h.member_id, h)))
            .collect::<Result<_>>()?;
        for (org, member) in outsiders {
            if let Some(h) = read.get(&member) {
                out.study.entry(org).or_default().post_holders.push(h.clone());
            }
        }
    }
    Ok(())
}

/// A person's hours as the study family reads them.
pub(crate) fn year_hours(row: storage::training::HoursRow) -> Result<YearHours> {
    let concentrated = u32::try_from(row.concentrated).map_err(|_| {
        ServiceError::Internal(format!("training_classes: member {} concentrated {}", row.member_id, row.concentrated))
    })?;
    Ok(YearHours {
        member_id: row.member_id,
        member_name: row.name,
        classes: row.classes,
        meetings: row.meetings,
        imported: row.imported,
        concentrated,
    })
}

/// Adds to a branch's records its groups' own meetings (for CON-LAPSE). A 党课 the branch
/// secretary gave in a group is already among the branch's records (MTG-LESSON), without
/// attendance: the group's record, with its attendance, takes its place.
fn with_group_meetings(records: &mut Vec<RecordFact>, groups: &[i64], by_org: &HashMap<i64, Vec<RecordFact>>) {
    let of_groups: Vec<RecordFact> = groups
        .iter()
        .flat_map(|g| by_org.get(g).into_iter().flatten().filter(move |r| r.org_id == *g))
        .cloned()
        .collect();
    if of_groups.is_empty() {
        return;
    }
    let ids: HashSet<i64> = of_groups.iter().map(|r| r.id).collect();
    records.retain(|r| !ids.contains(&r.id));
    records.extend(of_groups);
}

/// The facts of one org of a page, taken out of the page's.
pub(super) fn org_facts(
    org: &OrgRow,
    facts: &mut PageFacts,
) -> Result<(OrgFacts, LifeFacts, DuesFacts, LifecycleFacts, Vec<PathFacts>, StudyFacts)> {
    let kind = org.kind;
    let mut o = OrgFacts::of_unit(org.id, kind, org.unit_kind);
    if matches!(kind, OrgKind::Branch | OrgKind::Group) {
        // A branch counts its 'branch' spans, a group its 'group' spans.
        let span = if kind == OrgKind::Group { "group" } else { "branch" };
        let n = |status: MemberStatus| facts.counts.get(&(org.id, span.to_string(), status)).copied().unwrap_or(0);
        o.full_members = u32::try_from(n(MemberStatus::Full)).unwrap_or(u32::MAX);
        o.probationary_members = u32::try_from(n(MemberStatus::Probationary)).unwrap_or(u32::MAX);
    }
    o.posts = facts.posts.remove(&org.id).unwrap_or_default();
    o.term_start = org.term_start_on;
    if let Some(years) = org.term_years {
        o.term_years =
            u32::try_from(years).map_err(|_| ServiceError::Internal(format!("org {}: term_years {years}", org.id)))?;
    }
    o.established_on = org.established_on;
    o.closed_on = org.closed_on;
    let mut records = facts.records.remove(&org.id).unwrap_or_default();
    if let Some(groups) = facts.groups.get(&org.id) {
        with_group_meetings(&mut records, groups, &facts.records);
    }
    let mut life = LifeFacts::of(records);
    life.no_assigned_work = facts.no_work.remove(&org.id).unwrap_or_default();
    life.requests = facts.requests.remove(&org.id).unwrap_or_default();
    let dues = facts.dues.remove(&org.id).unwrap_or_default();
    let lifecycle = facts.lifecycle.remove(&org.id).unwrap_or_default();
    let recruits = facts.recruits.remove(&org.id).unwrap_or_default();
    let study = facts.study.remove(&org.id).unwrap_or_default();
    Ok((o, life, dues, lifecycle, recruits, study))
}

/// The dates a check of `year` as of `as_of` reads: the year, and the half-year before it for
/// CON-LAPSE's six months; posts up to `as_of` when it lies after the year.
pub(super) fn check_range(year: i32, as_of: NaiveDate) -> Arc<Range> {
    let on = as_of.iso();
    let to = format!("{year}-12-31");
    let posts_to = if on > to { on.clone() } else { to.clone() };
    let when = domain::findings::When::new(year, as_of, super::NOTICE_DAYS);
    let study = study::in_season(&when).then(|| study::judged_on(&when).map(|d| (d.iso(), year))).flatten();
    Arc::new(Range { on, from: format!("{}-07-01", year - 1), to, posts_to, study })
}
