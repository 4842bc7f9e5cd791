//! The report workflow as a table: which status may follow which, and in which capacity.
//! Pure data; `complaints::move_report` applies it with the reasons, agencies and clocks.
use entity::enums::{
    ReportRole,
    ReportStatus::{self, *},
};

/// What a move needs besides the capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Refusals, answers, disputes and returns must say why (or what was done).
    pub note_required: bool,
}

const fn step(note_required: bool) -> Option<Step> {
    Some(Step { note_required })
}

/// Whether someone acting as `role` may move a report from `from` to `to`.
pub fn step_for(from: ReportStatus, to: ReportStatus, role: ReportRole) -> Option<Step> {
    use ReportRole::*;
    match (role, from, to) {
        (Coordinator, Submitted, Verified) => step(false),
        (Coordinator, Submitted | Verified, Rejected) => step(true),
        // Verification and disposition in one go, and sending it to another agency later.
        (Coordinator, Submitted | Verified | Disposed | InProgress | Reopened, Disposed) => {
            step(false)
        }
        (Agency, Disposed | Reopened, InProgress) => step(true),
        (Agency, Disposed | InProgress | Reopened, Answered) => step(true),
        // A further follow-up while the work goes on.
        (Agency, InProgress, InProgress) => step(true),
        // "Not our authority": back to the coordinators to send elsewhere.
        (Agency, Disposed | InProgress, Verified) => step(true),
        (Reporter, Answered, Closed) => step(false),
        (Reporter, Answered, Reopened) => step(true),
        // The coordinators close an answered report the reporter left unanswered, or a
        // disputed one after the second answer.
        (Coordinator, Answered, Closed) => step(true),
        _ => None,
    }
}

/// Statuses that end a report.
pub fn is_final(status: ReportStatus) -> bool {
    matches!(status, Rejected | Closed | Merged)
}

/// Statuses in which the agency holds the report (its clock runs).
pub fn with_agency(status: ReportStatus) -> bool {
    matches!(status, Disposed | InProgress | Reopened)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn final_statuses_have_no_way_out() {
        for from in ReportStatus::iter().filter(|s| is_final(*s)) {
            for to in ReportStatus::iter() {
                for role in ReportRole::iter() {
                    assert!(
                        step_for(from, to, role).is_none(),
                        "{from} -> {to} by {role}"
                    );
                }
            }
        }
    }

    #[test]
    fn reporters_cannot_verify_dispose_or_answer() {
        for from in ReportStatus::iter() {
            for to in [Verified, Disposed, InProgress, Answered, Rejected] {
                assert!(step_for(from, to, ReportRole::Reporter).is_none());
            }
        }
    }

    #[test]
    fn agencies_cannot_close_or_reject() {
        for from in ReportStatus::iter() {
            for to in [Closed, Rejected, Merged] {
                assert!(step_for(from, to, ReportRole::Agency).is_none());
            }
        }
    }

    #[test]
    fn refusals_and_answers_say_why() {
        for from in ReportStatus::iter() {
            for role in ReportRole::iter() {
                for to in [Rejected, Answered, Reopened] {
                    if let Some(step) = step_for(from, to, role) {
                        assert!(step.note_required, "{from} -> {to} by {role}");
                    }
                }
            }
        }
    }
}
