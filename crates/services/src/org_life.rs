//! Organizational life (组织生活记实): a branch records a meeting once, with its attendance,
//! and the rules engine says what is missing or due, with the rule and article behind it.

use crate::{Entry, Result, ServiceError, Services};
use chrono::Datelike;
use domain::FieldErrors;
use domain::codes::MemberStatus;
use domain::dates::Iso;
use domain::dates::parse_date;
use domain::family::study::Hours;
use domain::org::{OrgKind, OrgStatus};
use domain::org_life::{
    AppraisalRating, Attendance, Attendee, MeetingKind, VotePurpose, Votes, excellent_share_ok, quorum_statement,
};
use domain::scope::{Action, Actor, Scope, Target, can};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use storage::meeting::{
    self, AttachmentRow, AttendanceRow, ExpectedRow, MeetingDetails, MeetingRow, NewAttendance, NewMeeting, RatingRow,
    ResolutionRow,
};
use storage::org::OrgRow;

/// Deadlines within this many days are findings too.
pub const NOTICE_DAYS: u32 = 30;

/// A meeting record as checked, ready to write.
pub(crate) struct Planned {
    pub(crate) new: NewMeeting,
    pub(crate) details: MeetingDetails,
    pub(crate) kind: MeetingKind,
    pub(crate) on: String,
    pub(crate) topic: String,
}

/// One resolution (会议决议) as typed: its text and the votes.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolutionInput {
    pub text: String,
    /// What the vote decides: "ordinary" (default), "admission", "confirmation" or "election";
    /// each is judged by its own quorum and majority (only a 党员大会 votes on the last three).
    pub purpose: String,
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
}

/// Reasons for a talk (谈心谈话) that inspectors look for (forms.md §2.5).
pub const TALK_REASONS: [&str; 6] = ["日常谈心", "岗位变动", "组织处理", "家庭变故", "苗头性问题", "工作失误"];

/// A meeting as typed on the form. Attendance lists only the exceptions: everyone expected
/// starts as present.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingInput {
    #[cfg_attr(feature = "openapi", schema(value_type = domain::org_life::MeetingKind))]
    pub kind: String,
    pub held_on: String,
    pub start_time: String,
    pub place: String,
    pub topic: String,
    pub first_agenda_item: String,
    /// Rich text (HTML); sanitized before it is stored.
    pub minutes: String,
    /// Whether the meeting voted (also true when resolutions are given).
    pub has_vote: bool,
    pub host_member_id: Option<i64>,
    pub recorder_member_id: Option<i64>,
    pub lecturer_member_id: Option<i64>,
    /// The other party of a talk; the talker is the host.
    pub partner_member_id: Option<i64>,
    pub talk_reason: String,
    /// Class hours (学时) the meeting gives those present, "2" or "1.5", for a 党课, a 主题党日 or a
    /// study session whose hours count towards EDU-TRAIN-HOURS; empty when not counted.
    pub class_hours: String,
    /// A 思政课 given by the school's principal (SZK-LECTURE); only on a 思政课.
    pub by_principal: bool,
    /// The guidance of the level above at a 民主生活会 (上级指导: who attended for it and what
    /// they asked); required on a 民主生活会.
    pub guidance: String,
    /// member id → (attendance, reason) for those not simply present.
    #[cfg_attr(feature = "openapi", schema(value_type = HashMap<String, Vec<String>>))]
    pub exceptions: HashMap<i64, (String, String)>,
    pub resolutions: Vec<ResolutionInput>,
    /// member id → rating (民主评议: 优秀/合格/基本合格/不合格); members left out are 合格.
    #[cfg_attr(feature = "openapi", schema(value_type = HashMap<String, domain::org_life::AppraisalRating>))]
    pub ratings: HashMap<i64, String>,
}

/// Someone expected at a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expected {
    pub member_id: i64,
    pub name: String,
    pub status: MemberStatus,
    /// A leading cadre taking part under 双重组织生活 (no vote here).
    pub dual: bool,
    /// Under 留党察看 on the day (no vote, EL-RIGHTS).
    pub observed: bool,
}

impl Expected {
    fn new(row: ExpectedRow, dual: bool) -> Self {
        Expected { member_id: row.member_id, name: row.name, status: row.status, dual, observed: row.observed }
    }

    /// Whether this person votes at the meeting: full members not under 留党察看 (CON-PROB-RIGHTS,
    /// EL-RIGHTS); guests under 双重组织生活 do not.
    pub fn votes(&self) -> bool {
        self.status == MemberStatus::Full && !self.observed && !self.dual
    }
}

/// Kinds of meeting held by the whole branch, which leading cadres under 双重组织生活 join.
fn whole_branch(kind: MeetingKind) -> bool {
    use MeetingKind::*;
    matches!(kind, BranchAssembly | PartyLecture | ThemedDay | LifeMeeting | MemberAppraisal)
}

/// Which members are expected at a meeting of this kind in this org on this day: the branch's
/// members (plus cadres under 双重组织生活) for whole-branch meetings, the committee for a
/// committee meeting, the group for a group meeting, nobody for a talk.
/// The org's secretary on a day (the usual 主持人 of its meetings), if it has one.
pub async fn secretary_on(services: &Services, org: &OrgRow, on: &str) -> Result<Option<i64>> {
    Ok(storage::org::holder_on(&services.db, org.id, domain::org::PostKind::Secretary, on).await?)
}

pub async fn expected(services: &Services, org: &OrgRow, kind: MeetingKind, on: &str) -> Result<Vec<Expected>> {
    use MeetingKind::*;
    let db = &services.db;
    let mut out: Vec<Expected> = match kind {
        CommitteeMeeting | DemocraticLifeMeeting | StudyGroupSession => {
            meeting::committee_on(db, org.id, on).await?.into_iter().map(|r| Expected::new(r, false)).collect()
        }
        GroupMeeting => {
            meeting::members_on(db, org.id, "group", on).await?.into_iter().map(|r| Expected::new(r, false)).collect()
        }
        // A 思政课's audience is the school's teachers and students, not an attendance list.
        Talk | IdeologyLesson => Vec::new(),
        IdeologyStudy => {
            meeting::committee_on(db, org.id, on).await?.into_iter().map(|r| Expected::new(r, false)).collect()
        }
        _ => {
            meeting::members_on(db, org.id, "branch", on).await?.into_iter().map(|r| Expected::new(r, false)).collect()
        }
    };
    if whole_branch(kind) {
        for d in meeting::duals_on(db, org.id, on).await? {
            if !out.iter().any(|e| e.member_id == d.member_id) {
                out.push(Expected::new(d, true));
            }
        }
    }
    Ok(out)
}

/// People who may give a 党课 at this org on this day: those expected at a whole-branch meeting
/// and the committee members of the org and of every org above it (a committee's secretary
/// lecturing in a branch counts for MTG-LESSON).
pub async fn lecturer_choices(services: &Services, org: &OrgRow, on: &str) -> Result<Vec<Expected>> {
    let mut out = expected(services, org, MeetingKind::PartyLecture, on).await?;
    for id in org.org_path()?.ids() {
        for r in meeting::committee_on(&services.db, id, on).await? {
            if !out.iter().any(|e| e.member_id == r.member_id) {
                out.push(Expected::new(r, false));
            }
        }
    }
    Ok(out)
}

/// Meeting kinds an org of this kind records.
pub fn kinds_for(org: OrgKind) -> Vec<MeetingKind> {
    use MeetingKind::*;
    match org {
        OrgKind::Group => vec![GroupMeeting, Talk],
        OrgKind::Committee => vec![
            CommitteeMeeting,
            PartyLecture,
            DemocraticLifeMeeting,
            StudyGroupSession,
            IdeologyStudy,
            IdeologyLesson,
            Talk,
        ],
        OrgKind::Branch | OrgKind::GeneralBranch => vec![
            BranchAssembly,
            CommitteeMeeting,
            PartyLecture,
            ThemedDay,
            LifeMeeting,
            MemberAppraisal,
            IdeologyLesson,
            Talk,
        ],
    }
}

/// A recorded meeting with its attendance, for lists.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingView {
    pub meeting: MeetingRow,
    pub attendance: Vec<AttendanceRow>,
}

/// A resolution with its votes and outcome.
#[derive(Debug, Clone, Serialize)]
pub struct ResolutionView {
    pub text: String,
    /// "一般事项", "接收预备党员", "预备党员转正", "选举".
    pub purpose: &'static str,
    pub votes: Votes,
    pub passed: bool,
    /// "通过（DEV-ASM-VOTE）", "到会人数不足，表决无效（EL-QUORUM）": by the purpose's own rules.
    pub outcome: String,
}

/// One meeting in full, for its page, the API and the ledger.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingDetail {
    pub meeting: MeetingRow,
    pub org_name: String,
    pub kind_label: &'static str,
    pub attendance: Vec<AttendanceRow>,
    pub resolutions: Vec<ResolutionView>,
    pub ratings: Vec<RatingRow>,
    pub attachments: Vec<AttachmentRow>,
    pub host_name: Option<String>,
    pub recorder_name: Option<String>,
    pub lecturer_name: Option<String>,
    pub partner_name: Option<String>,
    /// "有表决权的党员应到12人，实到10人，达到半数，可以表决（MTG-ASSEMBLY）".
    pub quorum: Option<String>,
    pub quorum_met: Option<bool>,
    /// Whether the viewer may add attachments.
    /// The record's corrections, oldest first (the version before each is kept with it).
    pub corrections: Vec<meeting::CorrectionRow>,
    pub editable: bool,
}

impl MeetingDetail {
    pub fn count(&self, attendance: Attendance) -> usize {
        self.attendance.iter().filter(|a| a.attendance == attendance).count()
    }
}

/// The attendees of an attendance list as the rules see them.
pub fn attendees(rows: &[AttendanceRow]) -> Result<Vec<Attendee>> {
    rows.iter()
        .map(|a| {
            Ok(Attendee {
                member_id: a.member_id,
                probationary: a.probationary,
                attendance: a.attendance,
                guest: a.dual_org_life,
            })
        })
        .collect()
}

/// Minutes as stored: rich text reduced to a safe subset of HTML (no scripts, styles, event
/// handlers or foreign links), so a page can show it as it was written.
pub fn sanitize_minutes(html: &str) -> String {
    let tags: std::collections::HashSet<&str> = [
        "p",
        "br",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "s",
        "ul",
        "ol",
        "li",
        "h3",
        "h4",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "div",
        "span",
    ]
    .into_iter()
    .collect();
    ammonia::Builder::default()
        .tags(tags)
        .generic_attributes(std::collections::HashSet::new())
        .tag_attributes(HashMap::new())
        .url_schemes(std::collections::HashSet::new())
        .link_rel(None)
        .clean(html)
        .to_string()
}

/// The text of sanitized minutes, for the ledger and exports: block ends become line breaks.
pub fn minutes_text(html: &str) -> String {
    let mut s = html.to_string();
    for tag in ["</p>", "<br>", "<br/>", "</li>", "</h3>", "</h4>", "</div>", "</tr>", "</blockquote>"] {
        s = s.replace(tag, "\n");
    }
    let stripped = ammonia::Builder::empty().clean(&s).to_string();
    let text = stripped
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

/// The meetings whose record may state class hours (EDU-TRAIN-HOURS counts them).
pub const HOURS_KINDS: [MeetingKind; 3] =
    [MeetingKind::PartyLecture, MeetingKind::ThemedDay, MeetingKind::StudyGroupSession];

/// The class hours typed on a meeting record: empty for none; refused on a kind that gives none
/// and above one day's worth.
fn class_hours(e: &mut FieldErrors, kind: Option<MeetingKind>, typed: &str) -> Option<Hours> {
    if typed.trim().is_empty() {
        return None;
    }
    if kind.is_some_and(|k| !HOURS_KINDS.contains(&k)) {
        e.add("class_hours", "只有党课、主题党日和理论学习中心组学习可以记录学时");
        return None;
    }
    match Hours::parse(typed) {
        Ok(h) if h == Hours::ZERO => None,
        Ok(h) if h > Hours::whole(12) => {
            e.add("class_hours", "一次会议的学时不超过12");
            None
        }
        Ok(h) => Some(h),
        Err(m) => {
            e.add("class_hours", m);
            None
        }
    }
}

impl Services {
    /// Records a meeting of an org with its attendance, resolutions and ratings, in one
    /// transaction with its audit entry. Nothing is written when any field is wrong.
    pub async fn record_meeting(&self, actor: &Actor, org_id: i64, input: &MeetingInput) -> Result<i64> {
        let scope = actor.scope();
        let org = storage::org::get(&self.db, &scope, org_id).await?.ok_or(ServiceError::NotFound)?;
        let path = org.org_path()?;
        if !can(actor, Action::EditOrg, Target::Org(&path)) || org.status != OrgStatus::Active {
            return Err(ServiceError::Forbidden);
        }
        let Planned { new, details, kind, on, topic } = self.plan_meeting(&scope, &org, input).await?;
        let mut tx = self.db.begin().await?;
        let id = meeting::insert(&mut tx, &new, &details, actor.account_id).await?;
        let not_present = details.attendance.iter().filter(|r| r.attendance != "present").count();
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "meeting.record",
                entity: "meeting",
                entity_id: Some(id),
                org_path: Some(org.path.clone()),
                before: None,
                after: Some(serde_json::json!({
                    "kind": kind.as_str(), "held_on": on, "topic": topic, "expected": details.attendance.len(),
                    "not_present": not_present, "resolutions": details.resolutions.len(),
                    "ratings": details.ratings.len(),
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Everything a record of a meeting is checked for (the kind for the org, the date, the people
    /// named on it, attendance by the facts on the day, votes, ratings), and what is written.
    pub(crate) async fn plan_meeting(&self, scope: &Scope, org: &OrgRow, input: &MeetingInput) -> Result<Planned> {
        let org_kind = org.kind;
        let mut e = FieldErrors::new();
        let kind = MeetingKind::parse(&input.kind);
        match kind {
            None => e.add("kind", "请选择会议类型"),
            Some(k) if !kinds_for(org_kind).contains(&k) => {
                e.add("kind", format!("{}不召开“{}”", org_kind.label(), k.label()))
            }
            _ => {}
        }
        let held_on = match parse_date(&input.held_on) {
            Ok(d) if d > self.today() => {
                e.add("held_on", "会议日期不能晚于今天");
                None
            }
            Ok(d) => Some(d),
            Err(err) => {
                e.add("held_on", err.to_string());
                None
            }
        };
        let start_time = input.start_time.trim();
        if !start_time.is_empty() && chrono::NaiveTime::parse_from_str(start_time, "%H:%M").is_err() {
            e.add("start_time", "开始时间请写成“时:分”，如 15:30");
        }
        let topic = input.topic.trim();
        if topic.is_empty() {
            e.add("topic", "请填写会议主题");
        } else if topic.chars().count() > 200 {
            e.add("topic", "会议主题不能超过 200 个字");
        }
        if input.first_agenda_item.trim().chars().count() > 200 {
            e.add("first_agenda_item", "第一议题不能超过 200 个字");
        }
        let class_hours = class_hours(&mut e, kind, &input.class_hours);
        let minutes = sanitize_minutes(input.minutes.trim());
        if minutes.chars().count() > 50_000 {
            e.add("minutes", "会议记录过长（超过 50000 字），较长的材料请作为附件上传");
        }
        let (Some(kind), Some(held_on)) = (kind, held_on) else { return Err(ServiceError::Invalid(e)) };
        // STUDY-FIRST-TOPIC, where a committee switched the 第一议题 system on.
        if input.first_agenda_item.trim().is_empty() {
            let rules = self.rules_for(&org.path).await?;
            let first_topic = rules.org_life.in_force_on(held_on).find(|r| {
                matches!(r.check, domain::family::org_life::Check::FirstTopic { record } if record == kind)
                    && r.applies_to.org_kinds.contains(&org_kind)
            });
            if let Some(r) = first_topic {
                e.add_rule(
                    "first_agenda_item",
                    "请填写第一议题（本次会议首先学习的讲话、指示批示精神）",
                    r.id,
                    r.citation,
                );
            }
        }
        let on = held_on.iso();
        let people = expected(self, org, kind, &on).await?;

        // The people named on the record must be real members the actor can see.
        let mut ids = [None; 4];
        for (i, (id, field, label)) in [
            (input.host_member_id, "host_member_id", "主持人"),
            (input.recorder_member_id, "recorder_member_id", "记录人"),
            (input.lecturer_member_id, "lecturer_member_id", "授课人"),
            (input.partner_member_id, "partner_member_id", "谈话对象"),
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(id) = id {
                match storage::member::get(&self.db, scope, id).await? {
                    Some(m) => ids[i] = Some(m.id),
                    None => e.add(field, format!("找不到所选的{label}")),
                }
            }
        }
        let [host, recorder, lecturer, partner] = ids;
        let talk_reason = input.talk_reason.trim();
        if kind == MeetingKind::Talk {
            if host.is_none() {
                e.add("host_member_id", "请选择谈话人");
            }
            if partner.is_none() {
                e.add("partner_member_id", "请选择谈话对象");
            }
            if host.is_some() && host == partner {
                e.add("partner_member_id", "谈话人和谈话对象不能是同一人");
            }
        }
        // The ledger prints 主持人 and 记录人 for every record but a talk (whose talker is its
        // host): a record without them would print blanks an inspection reads as missing.
        if kind != MeetingKind::Talk {
            if host.is_none() && input.host_member_id.is_none() {
                e.add("host_member_id", "请选择主持人");
            }
            if recorder.is_none() && input.recorder_member_id.is_none() {
                e.add("recorder_member_id", "请选择记录人");
            }
        }
        if kind == MeetingKind::PartyLecture && lecturer.is_none() {
            e.add("lecturer_member_id", "请选择授课人");
        }
        // SZK-LECTURE: a 思政课 is the secretary's (named) or the principal's (who need not be a
        // member here).
        if kind == MeetingKind::IdeologyLesson && lecturer.is_none() && !input.by_principal {
            e.add("lecturer_member_id", "请选择授课人；由校长讲授的，勾选“校长讲授”");
        }
        if input.by_principal && kind != MeetingKind::IdeologyLesson {
            e.add("by_principal", "只有思政课记录“校长讲授”");
        }
        let guidance = input.guidance.trim();
        if kind == MeetingKind::DemocraticLifeMeeting && guidance.is_empty() {
            e.add("guidance", "请填写上级到会指导情况（指导单位、人员和意见）；无上级到会的填“无”");
        } else if guidance.chars().count() > 500 {
            e.add("guidance", "上级指导情况不能超过 500 个字");
        }

        // Exceptions and ratings name members by id: each must be one of the people expected
        // on the day (a field error, never silently dropped).
        let mut strangers: Vec<i64> = input
            .exceptions
            .keys()
            .chain(input.ratings.keys())
            .filter(|id| !people.iter().any(|p| p.member_id == **id))
            .copied()
            .collect();
        strangers.sort_unstable();
        strangers.dedup();
        for id in strangers {
            let field = if input.exceptions.contains_key(&id) { "exceptions" } else { "ratings" };
            e.add(field, format!("党员编号 {id} 不是本次会议当天的应到人员"));
        }
        let mut attendance = Vec::with_capacity(people.len());
        for p in &people {
            let (att, reason) = match input.exceptions.get(&p.member_id) {
                Some((a, r)) => {
                    let a = match Attendance::parse(a) {
                        Some(a) => a,
                        None => {
                            e.add("exceptions", format!("{}的出席情况“{a}”无法识别，应为请假或缺席", p.name));
                            Attendance::Present
                        }
                    };
                    let r = r.trim();
                    if a == Attendance::Excused && r.is_empty() {
                        e.add(&format!("reason_{}", p.member_id), format!("{}请假，请填写请假原因", p.name));
                    }
                    (a, (!r.is_empty() && a != Attendance::Present).then(|| r.chars().take(200).collect::<String>()))
                }
                None => (Attendance::Present, None),
            };
            attendance.push(NewAttendance {
                member_id: p.member_id,
                probationary: p.status == MemberStatus::Probationary,
                dual_org_life: p.dual,
                attendance: att.as_str().to_string(),
                reason,
            });
        }
        let voters_expected = people.iter().filter(|p| p.votes()).count() as u32;
        let voters_present = people
            .iter()
            .zip(&attendance)
            .filter(|(p, a)| p.votes() && a.attendance == Attendance::Present.as_str())
            .count() as u32;
        let mut resolutions = Vec::new();
        for (i, r) in input.resolutions.iter().enumerate() {
            let text = r.text.trim();
            if text.is_empty() {
                if r.yes + r.no + r.abstain > 0 {
                    e.add(&format!("res_{i}"), "请填写表决事项");
                }
                continue;
            }
            if !matches!(kind, MeetingKind::BranchAssembly | MeetingKind::CommitteeMeeting) {
                e.add(&format!("res_{i}"), format!("{}不进行表决", kind.label()));
                continue;
            }
            let Some(purpose) = VotePurpose::parse(&r.purpose) else {
                e.add(&format!("res_{i}"), "请选择表决事项的类别（一般事项、接收预备党员、预备党员转正、选举）");
                continue;
            };
            if purpose != VotePurpose::Ordinary && kind != MeetingKind::BranchAssembly {
                e.add(&format!("res_{i}"), format!("{}只能由支部党员大会表决", purpose.label()));
                continue;
            }
            let votes = Votes { voters_expected, voters_present, yes: r.yes, no: r.no, abstain: r.abstain };
            if let Err(err) = votes.check() {
                e.add(&format!("res_{i}"), format!("表决事项“{}”：{err}", text.chars().take(20).collect::<String>()));
            }
            resolutions.push(ResolutionRow {
                meeting_id: 0,
                position: i as i64,
                text: text.chars().take(500).collect(),
                purpose,
                voters_expected: i64::from(voters_expected),
                voters_present: i64::from(voters_present),
                yes: i64::from(r.yes),
                no: i64::from(r.no),
                abstain: i64::from(r.abstain),
            });
        }
        let mut ratings = Vec::new();
        if kind == MeetingKind::MemberAppraisal {
            for p in people.iter().filter(|p| !p.dual) {
                let rating = match input.ratings.get(&p.member_id) {
                    Some(r) => match AppraisalRating::parse(r) {
                        Some(r) => r,
                        None => {
                            e.add(&format!("rating_{}", p.member_id), "请选择评议结果");
                            continue;
                        }
                    },
                    None => AppraisalRating::Qualified,
                };
                ratings.push((p.member_id, rating.as_str().to_string()));
            }
            let excellent = ratings.iter().filter(|(_, r)| r == AppraisalRating::Excellent.as_str()).count();
            if !excellent_share_ok(ratings.len() as u32, excellent as u32) {
                e.add(
                    "ratings",
                    format!("评为优秀的党员（{excellent}人）不得超过参评党员（{}人）的三分之一", ratings.len()),
                );
            }
        }
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let new = NewMeeting {
            org_id: org.id,
            org_path: org.path.clone(),
            kind: kind.as_str().to_string(),
            held_on: on.clone(),
            start_time: Some(start_time.to_string()).filter(|s| !s.is_empty()),
            place: input.place.trim().chars().take(100).collect(),
            topic: topic.to_string(),
            host_member_id: host,
            recorder_member_id: recorder,
            lecturer_member_id: lecturer,
            first_agenda_item: Some(input.first_agenda_item.trim().to_string()).filter(|s| !s.is_empty()),
            minutes,
            has_vote: input.has_vote || !resolutions.is_empty(),
            partner_member_id: partner,
            talk_reason: (kind == MeetingKind::Talk && !talk_reason.is_empty())
                .then(|| talk_reason.chars().take(50).collect()),
            class_hours,
            by_principal: kind == MeetingKind::IdeologyLesson && input.by_principal,
            guidance: (kind == MeetingKind::DemocraticLifeMeeting).then(|| guidance.to_string()),
        };
        let details = MeetingDetails { attendance, resolutions, ratings };
        Ok(Planned { new, details, kind, on, topic: topic.to_string() })
    }

    /// One meeting in full, if the actor may see it.
    pub async fn meeting_detail(&self, actor: &Actor, id: i64) -> Result<MeetingDetail> {
        let scope = actor.scope();
        let m = meeting::get(&self.db, &scope, id).await?.ok_or(ServiceError::NotFound)?;
        let org = storage::org::get(&self.db, &scope, m.org_id).await?.ok_or(ServiceError::NotFound)?;
        let ids = [m.id];
        let attendance = meeting::attendance(&self.db, &actor.scope(), &ids).await?;
        let count = domain::org_life::voter_count(&attendees(&attendance)?);
        let quorum = quorum_statement(m.kind, count);
        let quorum_met = quorum.as_ref().and_then(|_| match m.kind {
            MeetingKind::BranchAssembly => Some(count.assembly_quorum_met()),
            MeetingKind::CommitteeMeeting => Some(count.committee_quorum_met()),
            _ => None,
        });
        let base = self.majority_base(&org, m.held_on).await?;
        let resolutions = meeting::resolutions(&self.db, &actor.scope(), &ids)
            .await?
            .into_iter()
            .map(|r| {
                let corrupt = |what: &str| {
                    ServiceError::Internal(format!("meeting_resolutions of meeting {}: {what}", r.meeting_id))
                };
                let n = |v: i64| u32::try_from(v).map_err(|_| corrupt(&format!("count out of range {v}")));
                let votes = Votes {
                    voters_expected: n(r.voters_expected)?,
                    voters_present: n(r.voters_present)?,
                    yes: n(r.yes)?,
                    no: n(r.no)?,
                    abstain: n(r.abstain)?,
                };
                let purpose = r.purpose;
                let passed = votes.passed_for(purpose, base);
                let quorum_met = votes.quorum_met_for(purpose);
                let outcome = match (quorum_met, passed) {
                    (false, _) => format!("到会人数不足，表决无效（{}）", purpose.quorum_rule()),
                    (true, true) => format!("通过（{}）", purpose.majority_rule()),
                    (true, false) => format!("未通过（{}）", purpose.majority_rule()),
                };
                Ok(ResolutionView { text: r.text, purpose: purpose.label(), passed, outcome, votes })
            })
            .collect::<Result<Vec<_>>>()?;
        let name_of = |id: Option<i64>| {
            let scope = &scope;
            async move {
                match id {
                    Some(id) => Ok::<_, ServiceError>(
                        storage::member::get(&self.db, scope, id).await?.map(|m| m.name).or(Some("（范围外）".into())),
                    ),
                    None => Ok(None),
                }
            }
        };
        Ok(MeetingDetail {
            org_name: org.name.clone(),
            kind_label: m.kind.label(),
            ratings: meeting::ratings(&self.db, &actor.scope(), &ids).await?,
            attachments: meeting::attachments(&self.db, &actor.scope(), &ids).await?,
            host_name: name_of(m.host_member_id).await?,
            recorder_name: name_of(m.recorder_member_id).await?,
            lecturer_name: name_of(m.lecturer_member_id).await?,
            partner_name: name_of(m.partner_member_id).await?,
            quorum,
            quorum_met,
            corrections: meeting::corrections(&self.db, &actor.scope(), &ids).await?,
            editable: m.voided_on.is_none() && can(actor, Action::EditOrg, Target::Org(&org.org_path()?)),
            attendance,
            resolutions,
            meeting: m,
        })
    }

    /// An org's records in a year, newest first, with attendance.
    pub async fn meetings_of(&self, actor: &Actor, org_id: i64, year: i32) -> Result<Vec<MeetingView>> {
        let scope = actor.scope();
        storage::org::get(&self.db, &scope, org_id).await?.ok_or(ServiceError::NotFound)?;
        let mut rows =
            meeting::of_org(&self.db, &scope, org_id, &format!("{year}-01-01"), &format!("{year}-12-31")).await?;
        rows.reverse();
        let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
        let mut by_meeting: HashMap<i64, Vec<AttendanceRow>> = HashMap::new();
        for a in meeting::attendance(&self.db, &actor.scope(), &ids).await? {
            by_meeting.entry(a.meeting_id).or_default().push(a);
        }
        Ok(rows
            .into_iter()
            .map(|m| MeetingView { attendance: by_meeting.remove(&m.id).unwrap_or_default(), meeting: m })
            .collect())
    }

    /// The last recorded meeting of this kind in the org (for the form's defaults).
    pub async fn last_meeting(&self, actor: &Actor, org_id: i64, kind: MeetingKind) -> Result<Option<MeetingRow>> {
        let year = self.today().year();
        let rows =
            meeting::of_org(&self.db, &actor.scope(), org_id, &format!("{}-01-01", year - 1), "9999-12-31").await?;
        Ok(rows.into_iter().rev().find(|m| m.kind == kind))
    }
}
