//! Who is offered a dwelling next: the first applicant in ranking order for whom it is adequate
//! and who is free to receive an offer, with the ones passed over and why.

use serde::{Deserialize, Serialize};

use super::adequacy::{AreaBands, Assessment, Needs, assess};
use super::dwelling::{Dwelling, DwellingCode};
use crate::domain::ApplicationId;

/// Where an applicant of the ranking stands in the round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CandidateStatus {
    /// No dwelling yet, no offer open: may be offered one.
    Waiting,
    /// An offer open: nobody holds two.
    Offered,
    Assigned,
    /// Out of the ranking (requirements lost, unjustified refusal, no reply after the warning).
    Excluded,
}

/// An applicant of the definitive ranking, as the round sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub application: ApplicationId,
    pub needs: Needs,
    pub status: CandidateStatus,
    /// Dwellings they refused: never offered to them again.
    pub refused: Vec<DwellingCode>,
}

/// Why an applicant ahead in the ranking is not offered the dwelling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Skip {
    HasOpenOffer,
    Assigned,
    Excluded,
    RefusedThisDwelling,
    /// Keeps the position, for the next adequate dwelling.
    NotAdequate(Assessment),
}

impl Skip {
    pub fn reason(&self) -> String {
        match self {
            Skip::HasOpenOffer => "ha già una proposta aperta".into(),
            Skip::Assigned => "ha già un alloggio assegnato".into(),
            Skip::Excluded => "escluso dalla graduatoria".into(),
            Skip::RefusedThisDwelling => "ha già rifiutato questo alloggio".into(),
            Skip::NotAdequate(assessment) => assessment.reason(),
        }
    }
}

/// The applicant to offer the dwelling to, if any, and every one before them passed over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextOffer {
    pub chosen: Option<ApplicationId>,
    pub skipped: Vec<(ApplicationId, Skip)>,
}

/// The next offer of `dwelling` among `ranking` (in ranking order). A dwelling that is not free
/// is offered to nobody: the reason is returned.
pub fn next_offer(
    dwelling: &Dwelling,
    ranking: &[Candidate],
    bands: &AreaBands,
) -> Result<NextOffer, Assessment> {
    if let Assessment::NotFree(state) = assess(
        dwelling,
        Needs {
            size: 1,
            step_free: false,
        },
        bands,
    ) {
        return Err(Assessment::NotFree(state));
    }
    let mut skipped = Vec::new();
    for candidate in ranking {
        match pass_over(dwelling, candidate, bands) {
            Some(why) => skipped.push((candidate.application, why)),
            None => {
                return Ok(NextOffer {
                    chosen: Some(candidate.application),
                    skipped,
                });
            }
        }
    }
    Ok(NextOffer {
        chosen: None,
        skipped,
    })
}

/// Why `candidate` is passed over for `dwelling`, or None when they may be offered it.
pub fn pass_over(dwelling: &Dwelling, candidate: &Candidate, bands: &AreaBands) -> Option<Skip> {
    match candidate.status {
        CandidateStatus::Offered => return Some(Skip::HasOpenOffer),
        CandidateStatus::Assigned => return Some(Skip::Assigned),
        CandidateStatus::Excluded => return Some(Skip::Excluded),
        CandidateStatus::Waiting => {}
    }
    if candidate.refused.contains(&dwelling.code) {
        return Some(Skip::RefusedThisDwelling);
    }
    match assess(dwelling, candidate.needs, bands) {
        Assessment::Adequate => None,
        other => Some(Skip::NotAdequate(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stock::adequacy::tests::dwelling;
    use crate::domain::stock::dwelling::DwellingState;

    fn candidate(id: u64, size: usize, status: CandidateStatus) -> Candidate {
        Candidate {
            application: ApplicationId(id),
            needs: Needs {
                size,
                step_free: false,
            },
            status,
            refused: Vec::new(),
        }
    }

    #[test]
    fn the_first_waiting_adequate_applicant_in_ranking_order_is_chosen_with_the_skipped_named() {
        let home = dwelling(50, DwellingState::Libero);
        let mut refused = candidate(5, 2, CandidateStatus::Waiting);
        refused.refused.push(home.code.clone());
        let ranking = vec![
            candidate(1, 2, CandidateStatus::Assigned),
            candidate(2, 2, CandidateStatus::Offered),
            candidate(3, 5, CandidateStatus::Waiting),
            candidate(4, 2, CandidateStatus::Excluded),
            refused,
            candidate(6, 2, CandidateStatus::Waiting),
            candidate(7, 2, CandidateStatus::Waiting),
        ];
        let next = next_offer(&home, &ranking, &AreaBands::default()).expect("free");
        assert_eq!(next.chosen, Some(ApplicationId(6)));
        let reasons: Vec<(u64, String)> = next
            .skipped
            .iter()
            .map(|(id, why)| (id.0, why.reason()))
            .collect();
        assert_eq!(
            reasons,
            [
                (1, "ha già un alloggio assegnato".to_string()),
                (2, "ha già una proposta aperta".to_string()),
                (
                    3,
                    "troppo piccolo: 50,00 m² per 5 persone (minimo 80 m²)".to_string()
                ),
                (4, "escluso dalla graduatoria".to_string()),
                (5, "ha già rifiutato questo alloggio".to_string()),
            ]
        );
    }

    #[test]
    fn nobody_fits_and_a_dwelling_not_free_is_offered_to_nobody() {
        let home = dwelling(50, DwellingState::Libero);
        let ranking = vec![candidate(1, 6, CandidateStatus::Waiting)];
        let next = next_offer(&home, &ranking, &AreaBands::default()).expect("free");
        assert_eq!(next.chosen, None);
        assert_eq!(next.skipped.len(), 1);
        let offered = dwelling(50, DwellingState::Proposto);
        assert_eq!(
            next_offer(&offered, &ranking, &AreaBands::default()),
            Err(Assessment::NotFree(DwellingState::Proposto))
        );
    }

    proptest::proptest! {
        /// Whatever the ranking, the one chosen may receive the dwelling, and every applicant
        /// ahead of them is passed over for a reason that holds.
        #[test]
        fn the_chosen_applicant_may_receive_it_and_those_ahead_may_not(
            people in proptest::collection::vec((1usize..8, 0u8..4, proptest::bool::ANY, proptest::bool::ANY), 0..30),
            m2 in 20u32..130,
            lift in proptest::bool::ANY,
        ) {
            let mut home = dwelling(m2, DwellingState::Libero);
            home.lift = lift;
            let statuses = [
                CandidateStatus::Waiting,
                CandidateStatus::Offered,
                CandidateStatus::Assigned,
                CandidateStatus::Excluded,
            ];
            let ranking: Vec<Candidate> = people
                .iter()
                .enumerate()
                .map(|(i, (size, status, step_free, refused))| Candidate {
                    application: ApplicationId(i as u64 + 1),
                    needs: Needs { size: *size, step_free: *step_free },
                    status: statuses[usize::from(*status)],
                    refused: if *refused { vec![home.code.clone()] } else { Vec::new() },
                })
                .collect();
            let bands = AreaBands::default();
            let next = next_offer(&home, &ranking, &bands).expect("free");
            let may = |c: &Candidate| {
                c.status == CandidateStatus::Waiting
                    && !c.refused.contains(&home.code)
                    && assess(&home, c.needs, &bands).is_adequate()
            };
            let first = ranking.iter().position(may);
            proptest::prop_assert_eq!(next.chosen, first.map(|i| ranking[i].application));
            let ahead = first.unwrap_or(ranking.len());
            proptest::prop_assert_eq!(next.skipped.len(), ahead);
            for ((id, _), candidate) in next.skipped.iter().zip(&ranking) {
                proptest::prop_assert_eq!(*id, candidate.application);
                proptest::prop_assert!(!may(candidate));
            }
        }
    }
}
