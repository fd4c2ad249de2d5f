//! The event tables (forms.md §2.9): what happened in the year and where the recruitment
//! pipeline stood on the reference date, each counted at the branch where it happened.
//!
//! - 12–13 纪律处分: sanctions decided in the year, by kind (开除党籍 is also a 出党 of table 1).
//! - 15 预备党员转正: members confirmed in the year, and of them those whose probation had been
//!   extended (取消预备党员资格 is table 1's).
//! - 16–17 发展党员: members admitted in the year (the 支部大会's day), with the women, minorities,
//!   those 35 or younger on the day admitted, those with 大专及以上 and postgraduate education,
//!   and the key teachers (双培养, seed 003).
//! - 18 发展对象, 19 入党积极分子, 20 入党申请人: people on the path on the reference date, by
//!   the stage of their last step recorded by then, not ended by then.
//! - 8 民主评议: the ratings of the 民主评议党员 meetings held in the year, by rating.
//! - 33–35 流动党员, kept graduates, members abroad: members counted on the reference date who
//!   were away that day (a 外出登记 begun by then and not ended).
//! - 24 基层党组织换届: committees, general branches and branches whose term (from the last
//!   election held by the day, or the term recorded with the org) ended in the year, those that
//!   held an election in the year, and those whose term had ended before the reference date
//!   with no election since.
//! - 9 党员培训: members who completed a training class that ended in the year (counted at the
//!   branch of their membership on its last day, once however many classes), of them those of a
//!   party school's class, a rotation training and a secretary training; and the members counted
//!   on the reference date whose class hours of its calendar year reached 32 (EDU-TRAIN-HOURS's national
//!   figure: the statistics are national, a committee's higher target is its own).
//! - 43 失联党员: members counted on the reference date marked as out of contact since a day on
//!   or before it (the registry keeps the mark, not its end: a member found again is no longer
//!   counted for past dates either).

use std::collections::BTreeMap;

use serde::Serialize;

/// One counted cell of the event tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = StatsEvent))]
pub enum Tally {
    SanctionWarning,
    SanctionSeriousWarning,
    SanctionPostsRevoked,
    SanctionObservation,
    SanctionExpelled,
    Confirmed,
    ConfirmedAfterExtension,
    Recruited,
    RecruitedWomen,
    RecruitedMinorities,
    RecruitedTo35,
    RecruitedCollegePlus,
    RecruitedPostgraduates,
    RecruitedKeyTeachers,
    /// Admitted in the year with no recruitment record that made them members (the check that
    /// the admissions counted equal the recruitment records).
    RecruitedWithoutRecord,
    Candidates,
    Activists,
    Applicants,
    AppraisalExcellent,
    AppraisalQualified,
    AppraisalBasicallyQualified,
    AppraisalUnqualified,
    Mobile,
    GraduatesKept,
    Abroad,
    LostContact,
    TermsEnded,
    Renewed,
    RenewalOverdue,
    Trained,
    TrainedPartySchool,
    TrainedRotation,
    TrainedSecretaries,
    HoursReached,
}

impl Tally {
    pub const ALL: [Tally; 34] = [
        Self::SanctionWarning,
        Self::SanctionSeriousWarning,
        Self::SanctionPostsRevoked,
        Self::SanctionObservation,
        Self::SanctionExpelled,
        Self::Confirmed,
        Self::ConfirmedAfterExtension,
        Self::Recruited,
        Self::RecruitedWomen,
        Self::RecruitedMinorities,
        Self::RecruitedTo35,
        Self::RecruitedCollegePlus,
        Self::RecruitedPostgraduates,
        Self::RecruitedKeyTeachers,
        Self::RecruitedWithoutRecord,
        Self::Candidates,
        Self::Activists,
        Self::Applicants,
        Self::AppraisalExcellent,
        Self::AppraisalQualified,
        Self::AppraisalBasicallyQualified,
        Self::AppraisalUnqualified,
        Self::Mobile,
        Self::GraduatesKept,
        Self::Abroad,
        Self::LostContact,
        Self::TermsEnded,
        Self::Renewed,
        Self::RenewalOverdue,
        Self::Trained,
        Self::TrainedPartySchool,
        Self::TrainedRotation,
        Self::TrainedSecretaries,
        Self::HoursReached,
    ];

    /// The cells of table 9 and the kind of row each counts: a class kind, "trained" for any
    /// class, "hours_reached" for the year's hours.
    pub const TRAINING: [(Tally, &'static str); 5] = [
        (Self::Trained, "trained"),
        (Self::TrainedPartySchool, "party_school"),
        (Self::TrainedRotation, "rotation"),
        (Self::TrainedSecretaries, "secretary"),
        (Self::HoursReached, "hours_reached"),
    ];

    /// The cells of table 24, which count orgs (committees, general branches, branches) rather
    /// than people.
    pub const TERMS: [(Tally, &'static str); 3] =
        [(Self::TermsEnded, "ended"), (Self::Renewed, "renewed"), (Self::RenewalOverdue, "overdue")];

    /// The ratings of table 8 and the stored rating each counts.
    pub const APPRAISALS: [(Tally, &'static str); 4] = [
        (Self::AppraisalExcellent, "excellent"),
        (Self::AppraisalQualified, "qualified"),
        (Self::AppraisalBasicallyQualified, "basically_qualified"),
        (Self::AppraisalUnqualified, "unqualified"),
    ];

    /// The kinds of 外出登记 of tables 33–35 and the stored kind each counts.
    pub const AWAY: [(Tally, &'static str); 3] =
        [(Self::Mobile, "mobile"), (Self::GraduatesKept, "graduate"), (Self::Abroad, "abroad")];

    /// The sanctions of tables 12–13 and the decision kind each counts.
    pub const SANCTIONS: [(Tally, &'static str); 5] = [
        (Self::SanctionWarning, "warning"),
        (Self::SanctionSeriousWarning, "serious_warning"),
        (Self::SanctionPostsRevoked, "posts_revoked"),
        (Self::SanctionObservation, "observation"),
        (Self::SanctionExpelled, "expelled"),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SanctionWarning => "sanction_warning",
            Self::SanctionSeriousWarning => "sanction_serious_warning",
            Self::SanctionPostsRevoked => "sanction_posts_revoked",
            Self::SanctionObservation => "sanction_observation",
            Self::SanctionExpelled => "sanction_expelled",
            Self::Confirmed => "confirmed",
            Self::ConfirmedAfterExtension => "confirmed_after_extension",
            Self::Recruited => "recruited",
            Self::RecruitedWomen => "recruited_women",
            Self::RecruitedMinorities => "recruited_minorities",
            Self::RecruitedTo35 => "recruited_to35",
            Self::RecruitedCollegePlus => "recruited_college_plus",
            Self::RecruitedPostgraduates => "recruited_postgraduates",
            Self::RecruitedKeyTeachers => "recruited_key_teachers",
            Self::RecruitedWithoutRecord => "recruited_without_record",
            Self::Candidates => "candidates",
            Self::Activists => "activists",
            Self::Applicants => "applicants",
            Self::AppraisalExcellent => "appraisal_excellent",
            Self::AppraisalQualified => "appraisal_qualified",
            Self::AppraisalBasicallyQualified => "appraisal_basically_qualified",
            Self::AppraisalUnqualified => "appraisal_unqualified",
            Self::Mobile => "mobile",
            Self::GraduatesKept => "graduates_kept",
            Self::Abroad => "abroad",
            Self::LostContact => "lost_contact",
            Self::TermsEnded => "terms_ended",
            Self::Renewed => "renewed",
            Self::RenewalOverdue => "renewal_overdue",
            Self::Trained => "trained",
            Self::TrainedPartySchool => "trained_party_school",
            Self::TrainedRotation => "trained_rotation",
            Self::TrainedSecretaries => "trained_secretaries",
            Self::HoursReached => "hours_reached",
        }
    }

    pub fn parse(s: &str) -> Option<Tally> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SanctionWarning => "警告",
            Self::SanctionSeriousWarning => "严重警告",
            Self::SanctionPostsRevoked => "撤销党内职务",
            Self::SanctionObservation => "留党察看",
            Self::SanctionExpelled => "开除党籍",
            Self::Confirmed => "预备党员转正",
            Self::ConfirmedAfterExtension => "其中：延长预备期后转正",
            Self::Recruited => "发展党员",
            Self::RecruitedWomen => "其中：女",
            Self::RecruitedMinorities => "少数民族",
            Self::RecruitedTo35 => "35岁及以下",
            Self::RecruitedCollegePlus => "大专及以上学历",
            Self::RecruitedPostgraduates => "研究生",
            Self::RecruitedKeyTeachers => "骨干教师",
            Self::RecruitedWithoutRecord => "其中：没有发展党员记录的",
            Self::Candidates => "发展对象",
            Self::Activists => "入党积极分子",
            Self::Applicants => "入党申请人",
            Self::AppraisalExcellent => "优秀",
            Self::AppraisalQualified => "合格",
            Self::AppraisalBasicallyQualified => "基本合格",
            Self::AppraisalUnqualified => "不合格",
            Self::Mobile => "流动党员",
            Self::GraduatesKept => "保留组织关系的毕业生党员",
            Self::Abroad => "出国（境）学习研究的党员",
            Self::LostContact => "失联党员",
            Self::TermsEnded => "本年任期届满的基层党组织",
            Self::Renewed => "本年换届的基层党组织",
            Self::RenewalOverdue => "统计时点任期届满未换届的",
            Self::Trained => "参加培训的党员",
            Self::TrainedPartySchool => "其中：党校培训",
            Self::TrainedRotation => "集中轮训",
            Self::TrainedSecretaries => "党组织书记培训",
            Self::HoursReached => "全年学习培训达到32学时的党员",
        }
    }

    /// The table the cell belongs to, as numbered in forms.md §2.9.
    pub fn table(self) -> &'static str {
        match self {
            Self::SanctionWarning
            | Self::SanctionSeriousWarning
            | Self::SanctionPostsRevoked
            | Self::SanctionObservation
            | Self::SanctionExpelled => "表12–13 纪律处分",
            Self::Confirmed | Self::ConfirmedAfterExtension => "表15 预备党员转正",
            Self::Candidates | Self::Activists | Self::Applicants => "表18–20 发展对象、入党积极分子、入党申请人",
            Self::AppraisalExcellent
            | Self::AppraisalQualified
            | Self::AppraisalBasicallyQualified
            | Self::AppraisalUnqualified => "表8 民主评议党员",
            Self::Mobile | Self::GraduatesKept | Self::Abroad => "表33–35 流动党员、毕业生党员、出国（境）党员",
            Self::LostContact => "表43 失联党员",
            Self::TermsEnded | Self::Renewed | Self::RenewalOverdue => "表24 基层党组织换届",
            Self::Trained
            | Self::TrainedPartySchool
            | Self::TrainedRotation
            | Self::TrainedSecretaries
            | Self::HoursReached => "表9 党员培训",
            _ => "表16–17 发展党员",
        }
    }
}

/// The event tables of one org, by cell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = StatsEvents))]
pub struct Tallies(pub BTreeMap<Tally, u64>);

impl Tallies {
    pub fn get(&self, t: Tally) -> u64 {
        self.0.get(&t).copied().unwrap_or(0)
    }

    pub fn add_count(&mut self, t: Tally, n: u64) {
        *self.0.entry(t).or_default() += n;
    }

    pub fn add(&mut self, other: &Tallies) {
        for (t, n) in &other.0 {
            self.add_count(*t, *n);
        }
    }

    /// Each "of which" cell is at most its whole (an inspector's check); the names of the cells
    /// that are not.
    pub fn inconsistencies(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.get(Tally::ConfirmedAfterExtension) > self.get(Tally::Confirmed) {
            out.push(Tally::ConfirmedAfterExtension.label());
        }
        let whole = self.get(Tally::Recruited);
        for t in [
            Tally::RecruitedWomen,
            Tally::RecruitedMinorities,
            Tally::RecruitedTo35,
            Tally::RecruitedCollegePlus,
            Tally::RecruitedPostgraduates,
            Tally::RecruitedKeyTeachers,
            Tally::RecruitedWithoutRecord,
        ] {
            if self.get(t) > whole {
                out.push(t.label());
            }
        }
        if self.get(Tally::RecruitedPostgraduates) > self.get(Tally::RecruitedCollegePlus) {
            out.push(Tally::RecruitedPostgraduates.label());
        }
        for t in [Tally::TrainedPartySchool, Tally::TrainedRotation, Tally::TrainedSecretaries] {
            if self.get(t) > self.get(Tally::Trained) {
                out.push(t.label());
            }
        }
        out
    }
}
