//! The org's ledger set (台账): every register the system keeps for an org, listed in one place
//! and generated from the records on demand, so an inspection is answered by downloading (or, on
//! the command line, writing out) the set rather than by typing ledgers again. Which ledgers an org
//! has follows its kind: 党费 sheets are kept by branches, the 中心组 record book and the dues
//! account by committees.

use chrono::{Datelike, NaiveDate};
use domain::dates::Iso;
use domain::org::OrgKind;
use domain::org_life::{Attendance, MeetingKind};
use domain::scope::Actor;
use serde::Serialize;

use crate::ledger::{LedgerFile, LedgerFormat};
use crate::{Result, ServiceError, Services};

/// A ledger of the set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum LedgerKind {
    /// 组织生活台账: meetings, attendance, talks, appraisals, compliance and findings.
    OrgLife,
    /// 理论学习中心组学习记录: the study group's sessions and the 第一议题 of committee meetings.
    StudyGroup,
    /// 党员教育培训台账.
    Training,
    /// 请示报告登记台账.
    Reports,
    /// “三重一大”事项登记台账.
    MajorDecisions,
    /// 意识形态阵地登记台账.
    Positions,
    /// 意识形态活动登记台账.
    IdeologyEvents,
    /// 党费收缴登记表.
    DuesSheet,
    /// 党费收缴情况公布表.
    DuesPublication,
    /// 党费专户收支报表.
    DuesAccount,
    /// 发展党员工作备案名册.
    RecruitmentFilings,
    /// 党内统计报表.
    Statistics,
    /// 党组织覆盖情况登记台账.
    Coverage,
}

impl LedgerKind {
    pub const ALL: [LedgerKind; 13] = [
        Self::OrgLife,
        Self::StudyGroup,
        Self::Training,
        Self::Reports,
        Self::MajorDecisions,
        Self::Positions,
        Self::IdeologyEvents,
        Self::DuesSheet,
        Self::DuesPublication,
        Self::DuesAccount,
        Self::RecruitmentFilings,
        Self::Statistics,
        Self::Coverage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrgLife => "org_life",
            Self::StudyGroup => "study_group",
            Self::Training => "training",
            Self::Reports => "reports",
            Self::MajorDecisions => "major_decisions",
            Self::Positions => "positions",
            Self::IdeologyEvents => "ideology_events",
            Self::DuesSheet => "dues_sheet",
            Self::DuesPublication => "dues_publication",
            Self::DuesAccount => "dues_account",
            Self::RecruitmentFilings => "recruitment_filings",
            Self::Statistics => "statistics",
            Self::Coverage => "coverage",
        }
    }

    pub fn parse(s: &str) -> Option<LedgerKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::OrgLife => "组织生活台账",
            Self::StudyGroup => "理论学习中心组学习记录",
            Self::Training => "党员教育培训台账",
            Self::Reports => "请示报告登记台账",
            Self::MajorDecisions => "“三重一大”事项登记台账",
            Self::Positions => "意识形态阵地登记台账",
            Self::IdeologyEvents => "意识形态活动登记台账",
            Self::DuesSheet => "党费收缴登记表",
            Self::DuesPublication => "党费收缴情况公布表",
            Self::DuesAccount => "党费专户收支报表",
            Self::RecruitmentFilings => "发展党员工作备案名册",
            Self::Statistics => "党内统计报表",
            Self::Coverage => "党组织覆盖情况登记台账",
        }
    }

    /// The area of work it belongs to, as the set groups them.
    pub fn area(self) -> &'static str {
        match self {
            Self::OrgLife => "组织生活",
            Self::StudyGroup | Self::Training => "学习培训",
            Self::Reports | Self::MajorDecisions => "党委工作",
            Self::Positions | Self::IdeologyEvents => "意识形态工作",
            Self::DuesSheet | Self::DuesPublication | Self::DuesAccount => "党费",
            Self::RecruitmentFilings => "发展党员",
            Self::Statistics => "党内统计",
            Self::Coverage => "组织覆盖",
        }
    }

    /// What it holds and the rules it shows.
    pub fn holds(self) -> &'static str {
        match self {
            Self::OrgLife => {
                "全年会议记录、出勤、谈心谈话、民主评议结果、各项要求达标情况和问题（MTG-*、CON-LAPSE 等）"
            }
            Self::StudyGroup => {
                "中心组集体学习的时间、主题、出席和研讨情况，委员会会议“第一议题”学习内容（STUDY-GROUP、STUDY-FIRST-TOPIC）"
            }
            Self::Training => "培训班次、学时、参训和结业人员，党员年度学时（EDU-TRAIN-HOURS、EDU-SEC-HOURS）",
            Self::Reports => "向上级请示报告和收到下级请示报告的登记及办理情况（REPORT-ONE-MATTER）",
            Self::MajorDecisions => "重大决策、重要干部任免、重大项目安排和大额资金使用的集体决定（SANZHONG-YIDA）",
            Self::Positions => "阵地的责任人、审批和复查情况（IDEOLOGY-RESP）",
            Self::IdeologyEvents => "报告会、研讨会、讲座、论坛等活动及其审批，敏感时间节点标出（IDEOLOGY-RESP）",
            Self::DuesSheet => "党员每月应交、实交党费（DUES-*）",
            Self::DuesPublication => "向党员公布的党费收缴情况（DUES-PUBLISH）",
            Self::DuesAccount => "党费专户收入、上缴、下拨和支出（DUES-RETAIN）",
            Self::RecruitmentFilings => "发展党员各阶段人员和关键环节时间（DEV-*）",
            Self::Statistics => "年度党内统计各表（按统计时点由记录生成）",
            Self::Coverage => {
                "所管单位的类别、主管部门、分级管理、覆盖方式（单独建立、联合党支部、党建指导员）、章程写入党建和年检情况（COVER-PRIVATE）"
            }
        }
    }

    /// Whether the ledger is of one year (the others are the register as it stands).
    pub fn by_year(self) -> bool {
        !matches!(self, Self::Reports | Self::Positions | Self::RecruitmentFilings | Self::Coverage)
    }

    /// Whether an org of `kind` keeps it.
    pub fn kept_by(self, kind: OrgKind) -> bool {
        match self {
            Self::OrgLife => true,
            Self::StudyGroup | Self::DuesAccount | Self::Coverage => kind == OrgKind::Committee,
            Self::DuesSheet | Self::DuesPublication => kind == OrgKind::Branch,
            _ => kind != OrgKind::Group,
        }
    }
}

/// One ledger of an org's set.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerEntry {
    pub kind: LedgerKind,
    pub title: &'static str,
    pub area: &'static str,
    pub holds: &'static str,
    pub by_year: bool,
}

/// An org's ledger set for a year.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerSet {
    pub org_id: i64,
    pub org_name: String,
    pub year: i32,
    pub ledgers: Vec<LedgerEntry>,
}

/// The day a year's organizational-life ledger is as of: the next New Year's Day for a past year
/// (so the year's last periods are judged), today for this one.
pub fn ledger_as_of(year: i32, today: NaiveDate) -> NaiveDate {
    if year < today.year() { NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or(today) } else { today }
}

impl Services {
    /// The ledgers an org keeps, for `year`.
    pub async fn ledger_set(&self, actor: &Actor, org_id: i64, year: i32) -> Result<LedgerSet> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        check_year(year, self.today())?;
        let ledgers = LedgerKind::ALL
            .into_iter()
            .filter(|k| k.kept_by(org.kind))
            .map(|k| LedgerEntry { kind: k, title: k.title(), area: k.area(), holds: k.holds(), by_year: k.by_year() })
            .collect();
        Ok(LedgerSet { org_id, org_name: org.name, year, ledgers })
    }

    /// One ledger of the set as a file, generated from the records (and audited as its own export
    /// is).
    pub async fn ledger_of_set(
        &self,
        actor: &Actor,
        org_id: i64,
        kind: LedgerKind,
        year: i32,
        format: LedgerFormat,
    ) -> Result<LedgerFile> {
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let today = self.today();
        check_year(year, today)?;
        if !kind.kept_by(org.kind) {
            return Err(ServiceError::field("kind", format!("{}不登记{}", org.kind.label(), kind.title())));
        }
        match kind {
            LedgerKind::OrgLife => self.ledger(actor, org_id, year, ledger_as_of(year, today), format).await,
            LedgerKind::StudyGroup => self.study_group_book_file(actor, org_id, year, format).await,
            LedgerKind::Training => self.training_ledger_file(actor, org_id, year, format).await,
            LedgerKind::Reports => self.report_ledger_file(actor, org_id, format).await,
            LedgerKind::MajorDecisions => self.major_decision_ledger_file(actor, org_id, year, format).await,
            LedgerKind::Positions => self.positions_ledger_file(actor, org_id, format).await,
            LedgerKind::IdeologyEvents => self.ideology_events_ledger_file(actor, org_id, year, format).await,
            LedgerKind::DuesSheet => self.dues_sheet_file(actor, org_id, year, format).await,
            LedgerKind::DuesPublication => self.dues_publication_file(actor, org_id, year, format).await,
            LedgerKind::DuesAccount => self.dues_account_report(actor, org_id, year, format).await,
            LedgerKind::RecruitmentFilings => self.recruitment_filings(actor, org_id, format).await,
            LedgerKind::Statistics => {
                let year_end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today);
                self.stats_file(actor, org_id, year_end.min(today), format).await
            }
            LedgerKind::Coverage => self.coverage_ledger_file(actor, org_id, format).await,
        }
    }

    /// 理论学习中心组学习记录 of a committee's year: each collective study session (date, place,
    /// topic, the 第一议题 studied, who hosted, who attended and who was absent with the reason,
    /// the minutes), then the 第一议题 of its committee meetings; audited like every export.
    pub async fn study_group_book_file(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i32,
        format: LedgerFormat,
    ) -> Result<LedgerFile> {
        let doc = self.study_group_book(actor, org_id, year).await?;
        let mut extra = serde_json::Map::new();
        extra.insert("year".into(), year.into());
        self.exported_table_file(actor, org_id, doc, format, "study_group.ledger_export", extra).await
    }

    /// The 中心组 record book's content (see [`Services::study_group_book_file`]).
    pub async fn study_group_book(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i32,
    ) -> Result<reports::table_doc::TableDoc> {
        use reports::table_doc::{Section, TableDoc};
        let org = storage::org::get(&self.db, &actor.scope(), org_id).await?.ok_or(ServiceError::NotFound)?;
        let views = self.meetings_of(actor, org_id, year).await?;
        let mut hosts: Vec<i64> = views.iter().filter_map(|v| v.meeting.host_member_id).collect();
        hosts.sort_unstable();
        hosts.dedup();
        let names: std::collections::HashMap<i64, String> =
            storage::roster::rows_by_ids(&self.db, &domain::scope::Scope::everything(), &hosts)
                .await?
                .into_iter()
                .map(|m| (m.id, m.name))
                .collect();
        let held = |k: MeetingKind| {
            let mut v: Vec<_> = views.iter().filter(|v| v.meeting.kind == k && v.meeting.voided_on.is_none()).collect();
            v.sort_by_key(|v| (v.meeting.held_on, v.meeting.id));
            v
        };
        let sessions: Vec<Vec<String>> = held(MeetingKind::StudyGroupSession)
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let m = &v.meeting;
                let present: Vec<&str> = v
                    .attendance
                    .iter()
                    .filter(|a| a.attendance == Attendance::Present)
                    .map(|a| a.member_name.as_str())
                    .collect();
                let absent: Vec<String> = v
                    .attendance
                    .iter()
                    .filter(|a| a.attendance != Attendance::Present)
                    .map(|a| match &a.reason {
                        Some(r) if !r.trim().is_empty() => format!("{}（{}）", a.member_name, r.trim()),
                        _ => a.member_name.clone(),
                    })
                    .collect();
                let minutes = crate::org_life::minutes_text(&m.minutes);
                vec![
                    (i + 1).to_string(),
                    m.held_on.iso(),
                    m.place.clone(),
                    m.topic.clone(),
                    m.first_agenda_item.clone().unwrap_or_default(),
                    m.host_member_id.and_then(|id| names.get(&id).cloned()).unwrap_or_default(),
                    present.join("、"),
                    absent.join("、"),
                    minutes.chars().take(300).collect(),
                ]
            })
            .collect();
        let first_topics: Vec<Vec<String>> = held(MeetingKind::CommitteeMeeting)
            .iter()
            .filter(|v| v.meeting.first_agenda_item.as_deref().is_some_and(|t| !t.trim().is_empty()))
            .enumerate()
            .map(|(i, v)| {
                let m = &v.meeting;
                vec![
                    (i + 1).to_string(),
                    m.held_on.iso(),
                    m.topic.clone(),
                    m.first_agenda_item.clone().unwrap_or_default(),
                ]
            })
            .collect();
        let strings = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let cover =
            vec![format!("{}年　集体学习{}次　委员会会议“第一议题”学习{}次", year, sessions.len(), first_topics.len())];
        Ok(TableDoc {
            title: format!("{}{}年理论学习中心组学习记录", org.name, year),
            cover,
            sections: vec![
                Section {
                    heading: "中心组集体学习".into(),
                    headers: strings(&[
                        "序号",
                        "日期",
                        "地点",
                        "学习主题",
                        "第一议题",
                        "主持人",
                        "出席",
                        "缺席（原因）",
                        "学习研讨情况",
                    ]),
                    rows: sessions,
                    numeric: Vec::new(),
                    notes: vec![
                        "党委（党组）理论学习中心组集体学习，频次按党委设定（STUDY-GROUP，地方规定）；记录由会议记录生成。".into(),
                    ],
                },
                Section {
                    heading: "委员会会议“第一议题”学习".into(),
                    headers: strings(&["序号", "日期", "会议议题", "第一议题学习内容"]),
                    rows: first_topics,
                    numeric: Vec::new(),
                    notes: vec!["委员会会议第一项议题学习习近平总书记最新重要讲话和重要指示批示精神（STUDY-FIRST-TOPIC，地方规定）。".into()],
                },
            ],
            footer: format!("{} 由 zhibu 根据会议记录生成", org.name),
            landscape: true,
            font_size: 9,
            as_of: self.today().iso(),
        })
    }
}

/// A year the set can be generated for: 1949 to this year.
fn check_year(year: i32, today: NaiveDate) -> Result<()> {
    if (1949..=today.year()).contains(&year) {
        Ok(())
    } else {
        Err(ServiceError::field("year", format!("年度应为1949至{}之间的四位数字", today.year())))
    }
}
