//! Quorums and majorities (MTG-ASSEMBLY, MTG-COMMITTEE, DEV-ASM-*, EL-*), voters (CON-PROB-RIGHTS),
//! and the code lists of organizational life.

use domain::org_life::{
    AppraisalRating, Attendance, Attendee, MeetingKind, admission_passes, admission_quorum_met, assembly_quorum_met,
    committee_quorum_met, elected, election_quorum_met, motion_passes, voter_count, voters,
};

#[test]
fn mtg_assembly_quorum_is_met_at_exactly_half() {
    assert!(assembly_quorum_met(10, 5));
    assert!(assembly_quorum_met(9, 5));
    assert!(!assembly_quorum_met(9, 4));
    assert!(!assembly_quorum_met(10, 4));
    assert!(assembly_quorum_met(1, 1));
    assert!(!assembly_quorum_met(1, 0));
}

#[test]
fn mtg_assembly_quorum_needs_voters() {
    assert!(!assembly_quorum_met(0, 0));
    assert!(!motion_passes(0, 0));
}

#[test]
fn mtg_assembly_motion_needs_more_than_half_of_those_who_should_attend() {
    // Half of those who should attend is not enough, whatever the number present.
    assert!(!motion_passes(10, 5));
    assert!(motion_passes(10, 6));
    assert!(!motion_passes(9, 4));
    assert!(motion_passes(9, 5));
}

#[test]
fn mtg_committee_quorum_is_met_at_exactly_half() {
    assert!(committee_quorum_met(5, 3));
    assert!(!committee_quorum_met(5, 2));
    assert!(committee_quorum_met(4, 2));
    assert!(!committee_quorum_met(4, 1));
    assert!(!committee_quorum_met(0, 0));
}

#[test]
fn dev_asm_quorum_needs_more_than_half_present() {
    assert!(!admission_quorum_met(10, 5));
    assert!(admission_quorum_met(10, 6));
    assert!(admission_quorum_met(9, 5));
    assert!(!admission_quorum_met(9, 4));
}

#[test]
fn dev_asm_vote_passes_with_more_than_half_of_those_who_should_attend() {
    assert!(!admission_passes(10, 5));
    assert!(admission_passes(10, 6));
    assert!(admission_passes(3, 2));
    assert!(!admission_passes(0, 0));
}

#[test]
fn el_quorum_needs_more_than_four_fifths() {
    assert!(!election_quorum_met(10, 8));
    assert!(election_quorum_met(10, 9));
    assert!(!election_quorum_met(5, 4));
    assert!(election_quorum_met(5, 5));
    assert!(election_quorum_met(7, 6));
}

#[test]
fn el_elected_needs_more_than_half_of_those_present() {
    assert!(!elected(8, 4));
    assert!(elected(8, 5));
    assert!(!elected(0, 0));
}

#[test]
fn mtg_assembly_quorum_functions_do_not_overflow() {
    assert!(assembly_quorum_met(u32::MAX, u32::MAX));
    assert!(election_quorum_met(u32::MAX, u32::MAX));
    assert!(!motion_passes(u32::MAX, u32::MAX / 2));
}

#[test]
fn con_prob_rights_probationary_attendees_are_not_voters() {
    let list = [
        Attendee::full(1, Attendance::Present),
        Attendee::probationary(2, Attendance::Present),
        Attendee::full(3, Attendance::Excused),
        Attendee::full(4, Attendance::Absent),
    ];
    let ids: Vec<i64> = voters(&list).map(|a| a.member_id).collect();
    assert_eq!(ids, vec![1, 3, 4]);
    let count = voter_count(&list);
    assert_eq!((count.expected, count.present), (3, 1));
}

#[test]
fn con_prob_rights_probationary_present_do_not_make_the_quorum() {
    // 4 full members expected, 1 present, 3 probationary present: 1 of 4 is below half.
    let mut list = vec![
        Attendee::full(1, Attendance::Present),
        Attendee::full(2, Attendance::Absent),
        Attendee::full(3, Attendance::Absent),
        Attendee::full(4, Attendance::Excused),
    ];
    list.extend((10..13).map(|id| Attendee::probationary(id, Attendance::Present)));
    assert!(!voter_count(&list).assembly_quorum_met());
    list[1].attendance = Attendance::Present;
    assert!(voter_count(&list).assembly_quorum_met());
}

#[test]
fn con_prob_rights_voter_count_counts_a_member_listed_twice_once() {
    let list = [Attendee::full(1, Attendance::Absent), Attendee::full(1, Attendance::Present)];
    let count = voter_count(&list);
    assert_eq!((count.expected, count.present), (1, 1));
}

#[test]
fn meeting_kinds_round_trip_and_have_labels() {
    assert_eq!(MeetingKind::ALL.len(), 12);
    for kind in MeetingKind::ALL {
        assert_eq!(MeetingKind::parse(kind.as_str()), Some(kind));
        assert_eq!(MeetingKind::parse(kind.label()), Some(kind));
        assert_eq!(MeetingKind::parse(kind.short_label()), Some(kind));
    }
    assert_eq!(MeetingKind::CommitteeMeeting.short_label(), "支委会");
    assert_eq!(MeetingKind::parse("支部委员会会议"), Some(MeetingKind::CommitteeMeeting));
    assert_eq!(MeetingKind::parse("nothing"), None);
}

#[test]
fn attendance_and_ratings_parse_labels() {
    for a in Attendance::ALL {
        assert_eq!(Attendance::parse(a.label()), Some(a));
        assert_eq!(Attendance::parse(a.as_str()), Some(a));
    }
    assert_eq!(Attendance::parse("请假"), Some(Attendance::Excused));
    for r in AppraisalRating::ALL {
        assert_eq!(AppraisalRating::parse(r.label()), Some(r));
        assert_eq!(AppraisalRating::parse(r.as_str()), Some(r));
    }
    assert_eq!(AppraisalRating::parse("基本合格"), Some(AppraisalRating::BasicallyQualified));
}
