//! The notice of the grounds for refusal in the store: each step commits with its audit entry,
//! survives closing and reopening the database, and `check` (which replays the audit log
//! through `evolve`) agrees with the stored application at every point.

use crate::common;

use alloggi::domain::application::ExclusionReason;
use alloggi::domain::{ApplicationId, Command, State};
use alloggi::store::Store;
use chrono::Duration;
use common::{
    applicant, call_with_refusal_notice, ctx_at, household, new_application, office_time,
};

const ID: ApplicationId = ApplicationId(1);

fn assert_clean(store: &Store) {
    let report = store.check().expect("check");
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn the_notice_and_its_outcome_survive_reopening_and_replay() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = common::open(dir.path());
        common::run(
            &store,
            Command::SaveCall(Box::new(call_with_refusal_notice())),
        );
        common::run(
            &store,
            Command::ReceiveApplication(Box::new(new_application(household(vec![applicant()])))),
        );
        common::run(&store, common::register(ID));
        common::run(&store, Command::StartReview { id: ID });
        // A direct exclusion is refused and leaves nothing behind.
        let len = store.audit_len();
        assert!(store.execute(&common::exclude(ID), &common::ctx()).is_err());
        assert_eq!(store.audit_len(), len);
        common::run(
            &store,
            Command::NotifyRefusalGrounds {
                id: ID,
                reason: ExclusionReason::RequisitoMancante,
                note: "residenza non verificata".into(),
            },
        );
        assert_clean(&store);
    }
    let later = ctx_at(office_time() + Duration::days(11));
    {
        let store = common::open(dir.path());
        let app = store.application(ID).unwrap().unwrap();
        let notice = app.refusal_notice.expect("the notice after reopening");
        assert_eq!(notice.reason, ExclusionReason::RequisitoMancante);
        assert_eq!(notice.note, "residenza non verificata");
        assert_clean(&store);
        store
            .execute(
                &Command::ConfirmExclusion {
                    id: ID,
                    note: String::new(),
                },
                &later,
            )
            .unwrap();
    }
    let store = common::open(dir.path());
    let app = store.application(ID).unwrap().unwrap();
    assert_eq!(app.state, State::Esclusa);
    assert!(app.refusal_notice.is_none());
    assert_clean(&store);
    let events = store.audit_events(1, store.audit_len()).unwrap();
    let names: Vec<&str> = events
        .iter()
        .rev()
        .take(2)
        .map(|(_, e)| e.kind_name())
        .collect();
    assert_eq!(
        names,
        ["esclusione_confermata", "preavviso_rigetto_inviato"]
    );
}
