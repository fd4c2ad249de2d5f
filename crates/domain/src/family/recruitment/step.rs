//! The five stages and 25 steps of recruitment (发展党员), in order (rules.md §4: the 中组部
//! flow chart of 《中国共产党发展党员工作细则》).

use serde::{Deserialize, Serialize};

/// A stage of recruitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 申请入党 (steps 1–2): an applicant (`applicant`).
    Application,
    /// 入党积极分子的确定和培养教育 (3–6): an activist (`activist`).
    Activist,
    /// 发展对象的确定和考察 (7–11): a candidate (`candidate`).
    Candidate,
    /// 预备党员的接收 (12–18).
    Admission,
    /// 预备党员的教育考察和转正 (19–25): a probationary member until confirmed.
    Probation,
}

impl Stage {
    pub const ALL: [Stage; 5] = [Self::Application, Self::Activist, Self::Candidate, Self::Admission, Self::Probation];

    /// The stage's code, as serialized (`application`, `activist`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Application => "application",
            Self::Activist => "activist",
            Self::Candidate => "candidate",
            Self::Admission => "admission",
            Self::Probation => "probation",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Application => "申请入党",
            Self::Activist => "入党积极分子的确定和培养教育",
            Self::Candidate => "发展对象的确定和考察",
            Self::Admission => "预备党员的接收",
            Self::Probation => "预备党员的教育考察和转正",
        }
    }

    /// The stage in a word or two, for a board's columns.
    pub fn short(self) -> &'static str {
        match self {
            Self::Application => "申请入党",
            Self::Activist => "积极分子",
            Self::Candidate => "发展对象",
            Self::Admission => "接收预备党员",
            Self::Probation => "预备党员",
        }
    }

    /// What a person at this stage is called.
    pub fn person(self) -> &'static str {
        match self {
            Self::Application => "入党申请人",
            Self::Activist => "入党积极分子",
            Self::Candidate | Self::Admission => "发展对象",
            Self::Probation => "预备党员",
        }
    }
}

macro_rules! steps {
    ($($variant:ident = $n:literal, $code:literal, $label:literal, $stage:ident;)*) => {
        /// One of the 25 steps.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Step {
            $($variant,)*
        }

        impl Step {
            pub const ALL: [Step; 25] = [$(Self::$variant,)*];

            /// The step's number, 1–25.
            pub fn number(self) -> u8 {
                match self {
                    $(Self::$variant => $n,)*
                }
            }

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)*
                }
            }

            pub fn label(self) -> &'static str {
                match self {
                    $(Self::$variant => $label,)*
                }
            }

            pub fn stage(self) -> Stage {
                match self {
                    $(Self::$variant => Stage::$stage,)*
                }
            }
        }
    };
}

steps! {
    Apply = 1, "apply", "递交入党申请书", Application;
    Talk = 2, "talk", "党组织派人谈话", Application;
    Activist = 3, "activist", "推荐和确定入党积极分子", Activist;
    ActivistFiled = 4, "activist_filed", "上级党委备案", Activist;
    Mentors = 5, "mentors", "指定培养联系人", Activist;
    Cultivation = 6, "cultivation", "培养教育考察", Activist;
    Candidate = 7, "candidate", "确定发展对象", Candidate;
    CandidateFiled = 8, "candidate_filed", "报上级党委备案", Candidate;
    Sponsors = 9, "sponsors", "确定入党介绍人", Candidate;
    PoliticalReview = 10, "political_review", "政治审查", Candidate;
    Training = 11, "training", "集中培训", Candidate;
    CommitteeReview = 12, "committee_review", "支部委员会审查", Admission;
    PreReview = 13, "pre_review", "上级党委预审", Admission;
    VolunteerForm = 14, "volunteer_form", "填写入党志愿书", Admission;
    AdmissionAssembly = 15, "admission_assembly", "支部大会讨论", Admission;
    HqTalk = 16, "hq_talk", "上级党委派人谈话", Admission;
    AdmissionApproval = 17, "admission_approval", "上级党委审批", Admission;
    AdmissionFiled = 18, "admission_filed", "再上一级党委组织部门备案", Admission;
    Placement = 19, "placement", "编入党支部和党小组", Probation;
    Oath = 20, "oath", "入党宣誓", Probation;
    ProbationEducation = 21, "probation_education", "继续教育考察", Probation;
    ConfirmationRequest = 22, "confirmation_request", "提出转正申请", Probation;
    ConfirmationAssembly = 23, "confirmation_assembly", "支部大会讨论", Probation;
    ConfirmationApproval = 24, "confirmation_approval", "上级党委审批", Probation;
    Archive = 25, "archive", "材料归档", Probation;
}

impl Step {
    /// The step by its code or its number.
    pub fn parse(s: &str) -> Option<Step> {
        let s = s.trim();
        Self::ALL.into_iter().find(|t| t.as_str() == s || s.parse::<u8>().is_ok_and(|n| n == t.number()))
    }

    /// The step before, if any.
    pub fn previous(self) -> Option<Step> {
        Self::ALL.get(usize::from(self.number()).checked_sub(2)?).copied()
    }

    /// Steps that go on and are recorded more than once: 培养教育考察 (the half-year assessments
    /// of DEV-HALFYEAR) and 继续教育考察 (the probation's).
    pub fn recurs(self) -> bool {
        matches!(self, Self::Cultivation | Self::ProbationEducation)
    }

    /// `number. label`, e.g. "15. 支部大会讨论".
    pub fn title(self) -> String {
        format!("{}. {}", self.number(), self.label())
    }
}

impl crate::codes::StoredCode for Step {
    const WHAT: &'static str = "recruitment step";
    fn values() -> &'static [Self] {
        &Self::ALL
    }
    fn code(self) -> &'static str {
        self.as_str()
    }
}
