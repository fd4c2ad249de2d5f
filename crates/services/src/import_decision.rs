//! Historical data in a roster import: a new member who is already 停止党籍, 已出党 or 已去世
//! comes with the decision that made them so (its kind, date and document), and is written as an
//! active member plus that decision, as if it had been recorded through the decision flow
//! (rules.md §6; issue: "an import of historical data may carry the decision's date and
//! document"). Without it the row is refused: a status is never set bare.

use chrono::NaiveDate;
use domain::codes::MemberStatus;
use domain::dates::parse_date;
use domain::family::lifecycle::DecisionKind;
use reports::roster::MemberColumn;

/// The decision a new member's row carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HistoricDecision {
    pub kind: DecisionKind,
    pub on: NaiveDate,
    pub document: String,
    /// The status before it: full with a 转正日期, else probationary.
    pub before: MemberStatus,
    pub after: MemberStatus,
}

/// The membership decisions a historical row may name (the sanctions that keep the status do not
/// belong in a roster).
const KINDS: [DecisionKind; 7] = [
    DecisionKind::Suspend,
    DecisionKind::LapseRemoved,
    DecisionKind::WithdrawRemoved,
    DecisionKind::PersuadedRemoved,
    DecisionKind::ProbationCancelled,
    DecisionKind::Expelled,
    DecisionKind::Death,
];

/// What a row says about its decision: the three cells as written.
pub(crate) struct DecisionCells {
    pub kind: String,
    pub on: String,
    pub document: String,
}

/// Reads a new member's decision. `status` is the row's status, `confirmed` whether it has a
/// 转正日期. Problems come back as (column, message).
pub(crate) fn read(
    cells: &DecisionCells,
    status: MemberStatus,
    confirmed: bool,
    joined_on: NaiveDate,
    as_of: NaiveDate,
) -> Result<Option<HistoricDecision>, Vec<(MemberColumn, String)>> {
    use MemberColumn as C;
    let named = !cells.kind.is_empty() || !cells.on.is_empty() || !cells.document.is_empty();
    if status.is_active() || status == MemberStatus::TransferredOut {
        if named {
            return Err(vec![(C::DecisionKind, "正常党员不填写党籍处置类别、日期和文号".into())]);
        }
        return Ok(None);
    }
    let mut problems = Vec::new();
    let kind = match cells.kind.as_str() {
        "" if status == MemberStatus::Suspended => Some(DecisionKind::Suspend),
        "" if status == MemberStatus::Deceased => Some(DecisionKind::Death),
        "" => {
            problems.push((C::DecisionKind, "导入已出党的党员，须填写党籍处置类别（历史数据）".into()));
            None
        }
        text => {
            let k = KINDS.into_iter().find(|k| k.label() == text || k.as_str() == text);
            if k.is_none() {
                let names: Vec<&str> = KINDS.iter().map(|k| k.label()).collect();
                problems.push((C::DecisionKind, format!("党籍处置类别应为：{}", names.join("、"))));
            }
            k
        }
    };
    let before = if confirmed { MemberStatus::Full } else { MemberStatus::Probationary };
    if let Some(k) = kind
        && k.status_after(before).ok() != Some(status)
    {
        problems.push((C::DecisionKind, format!("党籍处置类别“{}”与人员类别“{}”不符", k.label(), status.label())));
    }
    let on = match parse_date(&cells.on) {
        _ if cells.on.is_empty() => {
            problems.push((
                C::DecisionOn,
                "导入已停止党籍、已出党或已去世的党员，须填写党籍处置日期（历史数据），或先按正常党员导入再办理党籍处置"
                    .into(),
            ));
            None
        }
        Ok(d) if d > as_of => {
            problems.push((C::DecisionOn, "党籍处置日期不能晚于今天".into()));
            None
        }
        Ok(d) if d < joined_on => {
            problems.push((C::DecisionOn, "党籍处置日期不能早于入党日期".into()));
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            problems.push((C::DecisionOn, e.message().to_string()));
            None
        }
    };
    if kind.is_some_and(DecisionKind::needs_document) && cells.document.is_empty() {
        problems.push((C::DecisionDocument, "请填写党籍处置文号".into()));
    }
    if cells.document.chars().count() > 200 {
        problems.push((C::DecisionDocument, "党籍处置文号不能超过 200 个字".into()));
    }
    match (kind, on) {
        (Some(kind), Some(on)) if problems.is_empty() => {
            Ok(Some(HistoricDecision { kind, on, document: cells.document.clone(), before, after: status }))
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        domain::dates::parse_iso(s).unwrap_or(NaiveDate::MIN)
    }

    fn cells(kind: &str, on: &str, document: &str) -> DecisionCells {
        DecisionCells { kind: kind.into(), on: on.into(), document: document.into() }
    }

    fn columns(r: Result<Option<HistoricDecision>, Vec<(MemberColumn, String)>>) -> Vec<MemberColumn> {
        r.err().unwrap_or_default().into_iter().map(|(c, _)| c).collect()
    }

    #[test]
    fn a_suspended_row_needs_its_decisions_date_and_document() {
        let (joined, today) = (d("2010-06-01"), d("2026-12-04"));
        let s = MemberStatus::Suspended;
        let ok = read(&cells("", "2024-05-06", "县委组〔2024〕3号"), s, true, joined, today).unwrap();
        assert_eq!(ok.map(|h| (h.kind, h.before)), Some((DecisionKind::Suspend, MemberStatus::Full)));
        assert_eq!(
            columns(read(&cells("", "", "县委组〔2024〕3号"), s, true, joined, today)),
            vec![MemberColumn::DecisionOn]
        );
        assert_eq!(
            columns(read(&cells("", "2024-05-06", ""), s, true, joined, today)),
            vec![MemberColumn::DecisionDocument]
        );
        // The day itself may be today, not tomorrow; not before joining.
        assert!(read(&cells("", "2026-12-04", "文号"), s, true, joined, today).is_ok());
        assert_eq!(
            columns(read(&cells("", "2026-12-05", "文号"), s, true, joined, today)),
            vec![MemberColumn::DecisionOn]
        );
        assert_eq!(
            columns(read(&cells("", "2010-05-31", "文号"), s, true, joined, today)),
            vec![MemberColumn::DecisionOn]
        );
    }

    #[test]
    fn a_left_row_names_how_and_the_kind_must_fit_the_status() {
        let (joined, today) = (d("2010-06-01"), d("2026-12-04"));
        let left = MemberStatus::Left;
        assert_eq!(
            columns(read(&cells("", "2020-01-02", "文号"), left, true, joined, today)),
            vec![MemberColumn::DecisionKind]
        );
        let h = read(&cells("自行脱党除名", "2020-01-02", "文号"), left, true, joined, today).unwrap();
        assert_eq!(h.map(|h| h.kind), Some(DecisionKind::LapseRemoved));
        // 取消预备党员资格 applies to a probationary member only.
        assert_eq!(
            columns(read(&cells("取消预备党员资格", "2020-01-02", "文号"), left, true, joined, today)),
            vec![MemberColumn::DecisionKind]
        );
        assert!(read(&cells("取消预备党员资格", "2020-01-02", "文号"), left, false, joined, today).is_ok());
        // A death needs no document; an active member names no decision.
        assert!(read(&cells("", "2020-01-02", ""), MemberStatus::Deceased, true, joined, today).is_ok());
        assert_eq!(
            columns(read(&cells("停止党籍", "", ""), MemberStatus::Full, true, joined, today)),
            vec![MemberColumn::DecisionKind]
        );
        assert_eq!(read(&cells("", "", ""), MemberStatus::Full, true, joined, today), Ok(None));
    }
}
