//! Term elections (换届选举, EL-*): the election form's facts on the day (the voters with their
//! rights, EL-RIGHTS), recording an approved election with its counts checked by the election
//! rules ([`domain::family::lifecycle::election::tally`]), and the org's posts and term taken
//! from the result in the same transaction. An org's term comes only from its elections: a term
//! start typed on the org form becomes a past election recorded by its day, once.

use std::collections::HashSet;

use chrono::{Days, NaiveDate};
use domain::FieldErrors;
use domain::codes::MemberStatus;
use domain::dates::Iso;
use domain::family::lifecycle::election::{self, CandidateVotes, ElectionCounts, ElectionMode};
use domain::org::PostKind;
use domain::org_life::MajorityBase;
use domain::scope::{Action, Actor, Target, can};
use serde::{Deserialize, Serialize};
use storage::Tx;
use storage::election::NewElection;
pub use storage::election::{CandidateRow, ElectionRow, MemberOnDay};
use storage::org::{OrgFields, OrgRow};

use crate::dues::records::{day, text};
use crate::{Entry, Result, ServiceError, Services};

/// One candidate as typed: who and the votes they got.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateInput {
    pub member_id: i64,
    pub votes: String,
}

/// An election as typed on the form (after the higher level's 批复).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ElectionForm {
    /// "assembly" (党员大会, the default) or "congress" (党员代表大会).
    #[serde(default)]
    pub mode: String,
    pub held_on: String,
    /// The new term in years (3 for a branch, 5 for a 基层党委, generally).
    pub term_years: String,
    /// Delegates expected at a 党员代表大会 (at a 党员大会 the voters are computed on the day).
    #[serde(default)]
    pub voters_expected: String,
    pub voters_present: String,
    pub seats: String,
    pub ballots_issued: String,
    pub ballots_returned: String,
    #[serde(default)]
    pub ballots_invalid: String,
    pub candidates: Vec<CandidateInput>,
    /// The elected candidate chosen secretary (书记).
    pub secretary_id: Option<i64>,
    /// The elected candidate chosen deputy secretary (副书记), if any.
    #[serde(default)]
    pub deputy_id: Option<i64>,
    /// The higher level's approval of the result (批复文号) and its day.
    pub approval_no: String,
    pub approved_on: String,
    /// EL-ONTIME: the approval of a delayed or advanced election.
    #[serde(default)]
    pub timing_approval_no: String,
    /// EL-CONGRESS: the approval of a 党员代表大会 with fewer than 500 members.
    #[serde(default)]
    pub congress_approval_no: String,
}

/// What the election form shows for an org on a day.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ElectionSetup {
    pub org_id: i64,
    pub org_name: String,
    pub held_on: NaiveDate,
    /// The members on the day; voters are full members not under 留党察看 (EL-RIGHTS).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub members: Vec<MemberOnDay>,
    pub voters_expected: u32,
    /// The base of EL-ELECTED in force for the org on the day.
    pub majority_base: String,
    /// The current term: its start and end, if recorded.
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
    pub usual_term_years: u32,
    /// Whether the viewer may record an election here (they manage its posts).
    pub can_record: bool,
}

/// One election with its candidates.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ElectionView {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub election: ElectionRow,
    pub org_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub candidates: Vec<CandidateRow>,
}

fn votes(member: &MemberOnDay) -> bool {
    member.status == MemberStatus::Full && !member.observed
}

fn count(e: &mut FieldErrors, field: &str, s: &str, required: bool) -> Option<u32> {
    match s.trim() {
        "" if !required => Some(0),
        "" => {
            e.add(field, "请填写人数");
            None
        }
        t => match t.parse::<u32>() {
            Ok(n) if n <= 1_000_000 => Some(n),
            _ => {
                e.add(field, "请填写非负整数");
                None
            }
        },
    }
}

/// The rule ID and citation for a refusal (EL-QUORUM and EL-ELECTED live in the org_life
/// family, the others in lifecycle).
fn citation(rule_id: &str) -> String {
    let lifecycle = domain::family::lifecycle::national_rules();
    let life = domain::family::org_life::national_rules();
    lifecycle
        .iter()
        .map(|r| (r.id, r.citation))
        .chain(life.iter().map(|r| (r.id, r.citation)))
        .find(|(id, _)| *id == rule_id)
        .map_or_else(|| "《中国共产党基层组织选举工作条例》".to_string(), |(_, c)| c.to_string())
}

impl Services {
    /// EL-ELECTED's base for an org on a day: those present nationally; those who should attend
    /// where a committee set it (a meeting's election vote and an election record alike).
    pub(crate) async fn majority_base(&self, org: &OrgRow, on: NaiveDate) -> Result<MajorityBase> {
        let changes = self.setting_changes().await?;
        let reaching = domain::settings::reaching(&changes, &org.path);
        let value = domain::settings::plain_value(domain::settings::ELECTION_MAJORITY_BASE, &reaching, &org.path, on);
        Ok(if value.as_deref() == Some("expected") { MajorityBase::Expected } else { MajorityBase::Present })
    }

    /// The election form's facts for `org_id` on `on`.
    pub async fn election_setup(&self, actor: &Actor, org_id: i64, on: NaiveDate) -> Result<ElectionSetup> {
        let org = self.org(actor, org_id).await?;
        let members = storage::election::members_on(&self.db, &org.org_path()?, on).await?;
        let voters = u32::try_from(members.iter().filter(|m| votes(m)).count()).unwrap_or(u32::MAX);
        let base = self.majority_base(&org, on).await?;
        let years = org.term_years.and_then(|y| u32::try_from(y).ok());
        Ok(ElectionSetup {
            org_id,
            org_name: org.name.clone(),
            held_on: on,
            voters_expected: voters,
            majority_base: if base == MajorityBase::Expected { "expected" } else { "present" }.into(),
            term_start: org.term_start_on,
            term_end: org.term_start_on.zip(years).map(|(s, y)| domain::dates::anniversary(s, y)),
            usual_term_years: domain::org::usual_term_years(org.kind, org.unit_kind),
            can_record: can(actor, Action::ManagePosts, Target::Org(&org.org_path()?)),
            members,
        })
    }

    /// The org's elections, newest first.
    pub async fn elections_of_org(&self, actor: &Actor, org_id: i64) -> Result<Vec<ElectionRow>> {
        self.org(actor, org_id).await?;
        Ok(storage::election::of_org(&self.db, &actor.scope(), org_id).await?)
    }

    /// One election with its candidates.
    pub async fn election(&self, actor: &Actor, id: i64) -> Result<ElectionView> {
        let e = storage::election::get(&self.db, &actor.scope(), id).await?.ok_or(ServiceError::NotFound)?;
        let org = self.org(actor, e.org_id).await?;
        let candidates = storage::election::candidates(&self.db, id).await?;
        Ok(ElectionView { election: e, org_name: org.name, candidates })
    }

    /// Records an approved election: refused, with nothing written, when a count breaks an
    /// election rule (each refusal names its rule). The org's open posts end the day before the
    /// election; the secretary, the deputy and the other elected members take theirs that day;
    /// the org's term starts that day.
    pub async fn record_election(&self, actor: &Actor, org_id: i64, form: &ElectionForm) -> Result<i64> {
        let today = self.today();
        let mut tx = self.db.begin().await?;
        let org = storage::org::get_in_tx(&mut tx, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::ManagePosts, Target::Org(&path)) {
            return Err(ServiceError::Forbidden);
        }
        let mut e = FieldErrors::new();
        let mode = match form.mode.trim() {
            "" | "assembly" => ElectionMode::Assembly,
            "congress" => ElectionMode::Congress,
            _ => {
                e.add("mode", "请选择党员大会或党员代表大会");
                ElectionMode::Assembly
            }
        };
        let held_on = day(&mut e, "held_on", &form.held_on, today);
        let approved_on = day(&mut e, "approved_on", &form.approved_on, today);
        let approval_no = text(&mut e, "approval_no", &form.approval_no, Some("上级党组织批复文号"), 100);
        let timing_approval_no = text(&mut e, "timing_approval_no", &form.timing_approval_no, None, 100);
        let congress_approval_no = text(&mut e, "congress_approval_no", &form.congress_approval_no, None, 100);
        let term_years = count(&mut e, "term_years", &form.term_years, true);
        if term_years.is_some_and(|y| !(1..=5).contains(&y)) {
            e.add("term_years", "每届任期应为1至5年");
        }
        let present = count(&mut e, "voters_present", &form.voters_present, true);
        let seats = count(&mut e, "seats", &form.seats, true);
        let issued = count(&mut e, "ballots_issued", &form.ballots_issued, true);
        let returned = count(&mut e, "ballots_returned", &form.ballots_returned, true);
        let invalid = count(&mut e, "ballots_invalid", &form.ballots_invalid, false);
        let typed_expected = count(&mut e, "voters_expected", &form.voters_expected, mode == ElectionMode::Congress);
        let (Some(held_on), Some(approved_on)) = (held_on, approved_on) else {
            return Err(ServiceError::Invalid(e));
        };
        if approved_on < held_on {
            e.add("approved_on", "批复日期不能早于选举日期");
        }
        // The voters and candidates on the day (EL-RIGHTS).
        let members = storage::election::members_on(&self.db, &path, held_on).await?;
        let voters: Vec<&MemberOnDay> = members.iter().filter(|m| votes(m)).collect();
        let mut seen = HashSet::new();
        let mut candidates = Vec::new();
        for c in &form.candidates {
            let Some(m) = members.iter().find(|m| m.member_id == c.member_id) else {
                e.add("candidates", "候选人应为本组织的党员");
                continue;
            };
            if !votes(m) {
                let (rule, why) = ("EL-RIGHTS", format!("{}在选举日没有被选举权（预备党员或受留党察看处分）", m.name));
                e.add_rule("candidates", why, rule, &citation(rule));
                continue;
            }
            if !seen.insert(m.member_id) {
                e.add("candidates", format!("{}重复列为候选人", m.name));
                continue;
            }
            match c.votes.trim().parse::<u32>() {
                Ok(v) => candidates.push(CandidateVotes { member_id: m.member_id, name: m.name.clone(), votes: v }),
                Err(_) => e.add("candidates", format!("请填写{}的得票数", m.name)),
            }
        }
        let (Some(present), Some(seats), Some(issued), Some(returned), Some(invalid), Some(years), Some(typed)) =
            (present, seats, issued, returned, invalid, term_years, typed_expected)
        else {
            return Err(ServiceError::Invalid(e));
        };
        let expected = match mode {
            ElectionMode::Congress => typed,
            _ => u32::try_from(voters.len()).unwrap_or(u32::MAX),
        };
        let years_now = org.term_years.and_then(|y| u32::try_from(y).ok());
        let counts = ElectionCounts {
            mode,
            held_on,
            voters_expected: expected,
            voters_present: present,
            seats,
            ballots_issued: issued,
            ballots_returned: returned,
            ballots_invalid: invalid,
            candidates,
            base: self.majority_base(&org, held_on).await?,
            members: u32::try_from(members.len()).unwrap_or(u32::MAX),
            congress_approval: congress_approval_no.clone(),
            term: org.term_start_on.zip(years_now).filter(|(start, _)| *start < held_on),
            timing_approval: timing_approval_no.clone(),
        };
        let elected = match election::tally(&counts) {
            Ok(elected) => elected,
            Err(errors) => {
                for x in errors {
                    match x.rule_id {
                        Some(rule) => e.add_rule(x.field, x.message, rule, &citation(rule)),
                        None => e.add(x.field, x.message),
                    }
                }
                Vec::new()
            }
        };
        let is_elected = |id: Option<i64>| id.is_some_and(|id| elected.iter().any(|c| c.member_id == id));
        if e.is_empty() {
            if !is_elected(form.secretary_id) {
                e.add("secretary_id", "请从当选人中确定书记");
            }
            if form.deputy_id.is_some() && (!is_elected(form.deputy_id) || form.deputy_id == form.secretary_id) {
                e.add("deputy_id", "副书记应为书记以外的当选人");
            }
        }
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let row = NewElection {
            org_id,
            held_on,
            mode,
            term_years: i64::from(years),
            voters_expected: i64::from(expected),
            voters_present: i64::from(present),
            seats: i64::from(seats),
            ballots_issued: i64::from(issued),
            ballots_returned: i64::from(returned),
            ballots_invalid: i64::from(invalid),
            majority_base: if counts.base == MajorityBase::Expected { "expected" } else { "present" }.into(),
            approval_no,
            approved_on,
            timing_approval_no,
            congress_approval_no,
        };
        let id = storage::election::insert(&mut tx, &row, actor.account_id).await?;
        let post_of = |member_id: i64| -> Option<PostKind> {
            if Some(member_id) == form.secretary_id {
                Some(PostKind::Secretary)
            } else if Some(member_id) == form.deputy_id {
                Some(PostKind::DeputySecretary)
            } else if elected.iter().any(|c| c.member_id == member_id) {
                Some(PostKind::Member)
            } else {
                None
            }
        };
        for c in &counts.candidates {
            let post = post_of(c.member_id).map(|p| p.as_str());
            storage::election::insert_candidate(&mut tx, id, c.member_id, &c.name, i64::from(c.votes), post).await?;
        }
        // The outgoing committee serves until the day before; the new one from the day.
        let eve = held_on.checked_sub_days(Days::new(1)).unwrap_or(held_on);
        for p in storage::org::open_posts_in_tx(&mut tx, org_id).await? {
            storage::org::end_post(&mut tx, p.id, &eve.max(p.start_on).iso()).await?;
        }
        for c in &elected {
            if let Some(post) = post_of(c.member_id) {
                storage::org::insert_post(&mut tx, org_id, c.member_id, post.as_str(), &held_on.iso()).await?;
            }
        }
        storage::election::set_term(&mut tx, org_id, held_on, i64::from(years)).await?;
        let after = serde_json::json!({
            "held_on": held_on.iso(), "mode": mode.as_str(), "term_years": years, "voters_expected": expected,
            "voters_present": present, "seats": seats, "elected": elected.iter().map(|c| &c.name).collect::<Vec<_>>(),
            "approval_no": row.approval_no,
        });
        let entry = Entry {
            action: "election.record",
            entity: "election",
            entity_id: Some(id),
            org_path: Some(org.path.clone()),
            before: None,
            after: Some(after),
        };
        self.audit(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// Keeps an org's term coming from its elections when the org form or the org import types a
/// term start: the first one typed becomes a past election recorded by its day; once an
/// election is recorded, a different start is refused (a new term is a new election).
pub(crate) async fn typed_term(tx: &mut Tx, before: Option<&OrgRow>, org_id: i64, f: &OrgFields) -> Result<()> {
    let typed = f.term_start_on.as_deref().and_then(domain::dates::parse_iso);
    let current = before.and_then(|o| o.term_start_on);
    match typed {
        Some(start) if Some(start) != current => {
            if storage::election::any_of(tx, org_id).await? {
                return Err(ServiceError::field(
                    "term_start_on",
                    "本届起始日期由换届选举记录确定；新一届请在“换届选举”中录入",
                ));
            }
            storage::election::insert_recorded(tx, org_id, start, f.term_years).await?;
        }
        None if current.is_some() => {
            return Err(ServiceError::field("term_start_on", "本届起始日期由换届选举记录确定，不能清空"));
        }
        _ => {}
    }
    Ok(())
}

/// Where an org's term stands on a day (the term calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TermState {
    /// Ended and not renewed.
    Overdue,
    /// Ends within 6 months: the higher level reminds the org (ORG-RENEWAL).
    Due,
    Current,
    /// No election on record.
    Unknown,
}

impl TermState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Overdue => "已届满未换届",
            Self::Due => "6个月内届满",
            Self::Current => "任期内",
            Self::Unknown => "未录入",
        }
    }
}

/// One org's term in the calendar.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TermLine {
    pub org_id: i64,
    pub name: String,
    pub kind: String,
    pub start: Option<NaiveDate>,
    pub years: Option<i64>,
    pub end: Option<NaiveDate>,
    pub state: TermState,
}

impl Services {
    /// The terms of an org's subtree that end first (overdue first, then by their end), up to
    /// `limit`, and the orgs without a term recorded after them.
    pub async fn term_calendar(
        &self,
        actor: &Actor,
        org_id: i64,
        as_of: NaiveDate,
        limit: usize,
    ) -> Result<Vec<TermLine>> {
        let org = self.org(actor, org_id).await?;
        let rows =
            storage::election::terms_ending_first(&self.db, &org.org_path()?, i64::try_from(limit).unwrap_or(i64::MAX))
                .await?;
        let warn = domain::dates::add_months(as_of, 6);
        let mut lines: Vec<TermLine> = rows
            .into_iter()
            .map(|r| {
                let end = r
                    .term_start_on
                    .zip(r.term_years.and_then(|y| u32::try_from(y).ok()))
                    .map(|(s, y)| domain::dates::anniversary(s, y));
                let state = match end {
                    None => TermState::Unknown,
                    Some(e) if e <= as_of => TermState::Overdue,
                    Some(e) if e <= warn => TermState::Due,
                    Some(_) => TermState::Current,
                };
                TermLine {
                    org_id: r.id,
                    name: r.name,
                    kind: r.kind.label().to_string(),
                    start: r.term_start_on,
                    years: r.term_years,
                    end,
                    state,
                }
            })
            .collect();
        // Overdue and due first by their end, then current ones, then those without a term.
        lines.sort_by_key(|l| (l.end.is_none(), l.end, l.org_id));
        lines.truncate(limit);
        Ok(lines)
    }
}

impl Services {
    /// The ballot and tally sheet of an election as PDF (forms.md §2.8). The ballot lists the
    /// candidates by name in pinyin order (the paper form orders them by the strokes of the
    /// surname, for which no maintained data source is at hand), with two lines to write in.
    pub async fn election_sheets(&self, actor: &Actor, id: i64) -> Result<crate::ledger::LedgerFile> {
        let v = self.election(actor, id).await?;
        let e = &v.election;
        let n = |x: Option<i64>| x.map(|x| x.to_string()).unwrap_or_default();
        let mut candidates = v.candidates.clone();
        candidates.sort_by_key(|c| (domain::collation::name_key(&c.name), c.member_id));
        let base = if e.majority_base.as_deref() == Some("expected") { "应到会" } else { "实到会" };
        let sheets = reports::election_sheets::ElectionSheets {
            org_name: v.org_name.clone(),
            held_on: e.held_on.iso(),
            held_cn: domain::dates::format_cn(e.held_on),
            seats: n(e.seats),
            expected: n(e.voters_expected),
            present: n(e.voters_present),
            issued: n(e.ballots_issued),
            returned: n(e.ballots_returned),
            valid: n(e.ballots_returned.zip(e.ballots_invalid).map(|(r, i)| r - i)),
            invalid: n(e.ballots_invalid),
            candidates: candidates
                .iter()
                .map(|c| reports::election_sheets::SheetCandidate {
                    name: c.name.clone(),
                    votes: c.votes.to_string(),
                    result: match c.post.as_deref() {
                        Some("secretary") => "当选（书记）".into(),
                        Some("deputy_secretary") => "当选（副书记）".into(),
                        Some(_) => "当选".into(),
                        None => "未当选".into(),
                    },
                })
                .collect(),
            write_in: 2,
            note: format!(
                "得票超过{base}有选举权人数的半数为当选（EL-ELECTED）；收回选票不得多于发出选票（EL-BALLOTS）。"
            ),
        };
        let font_path = self.font_path.clone();
        let bytes = crate::ledger::blocking(move || {
            let font = reports::find_cjk_font(font_path.as_deref())?;
            reports::election_sheets::write_pdf(&sheets, &font)
        })
        .await?;
        Ok(crate::ledger::LedgerFile {
            bytes,
            file_name: format!("选票和计票结果报告单-{}-{}.pdf", v.org_name, e.held_on.iso()),
            content_type: "application/pdf",
        })
    }
}
