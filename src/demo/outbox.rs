//! The demo's outbox: one queued message of every catalogue template, so that `alloggi outbox
//! send` against any IO endpoint exercises the whole catalogue.

use crate::domain::time::{Timestamp, format_date, rome_date};
use crate::domain::{ApplicationId, Call, Context, State};
use crate::messages::{Catalogue, ComuneConfig, Order, PlaceholderSpec, ValueKind, Values};
use crate::store::{Store, StoreError};

/// What a caseworker would type for `spec` in the demo, for the message `template`.
fn typed_value(spec: &PlaceholderSpec, template: &str, call: &Call, n: u64) -> String {
    let opens = rome_date(call.opens_at);
    let date = |days: i64| format_date(opens + chrono::Duration::days(days));
    let rent = template.contains("canone");
    match spec.name {
        "data_pubblicazione" => date(-6),
        "oggetto_appuntamento" if template == "appuntamento_firma" => {
            "firma del contratto di locazione".into()
        }
        "oggetto_appuntamento" => "presentazione della domanda di alloggio".into(),
        "numero_prenotazione" => format!("A-{:04}", 40 + n),
        "data_appuntamento" => date(30 + n as i64),
        "ora_appuntamento" => "10:30".into(),
        "luogo_firma" => "Ufficio Casa, piazza del Popolo 1, Fermo".into(),
        "causale" if rent => "canone di locazione di dicembre 2024".into(),
        "causale" => "spese di segreteria della domanda di alloggio".into(),
        "importo" if rent => "245,30".into(),
        "importo" => "16,00".into(),
        "scadenza" => date(90),
        "numero_avviso" => crate::domain::notice::NoticeNumber::aux3(1, 4_200_000 + n)
            .map(|notice| notice.as_str().to_string())
            .unwrap_or_default(),
        "data_assegnazione" => date(200),
        "indirizzo_alloggio" => "via delle Case Popolari 12, Fermo".into(),
        "riferimento_alloggio" => format!("FM-012-{n}B"),
        _ => match spec.kind {
            ValueKind::Date => date(60),
            ValueKind::Time => "09:00".into(),
            ValueKind::Amount => "10,00".into(),
            ValueKind::Url => "https://www.comune.example.it/alloggi".into(),
            _ => "dato dimostrativo".into(),
        },
    }
}

/// The applications a template's case values need: a protocol for the receipt of an
/// application, an open request for an integration, anything else otherwise.
fn wanted_state(template: &str) -> &'static [State] {
    match template {
        "richiesta_integrazione" => &[State::IntegrazioneRichiesta],
        "presa_in_carico" => &[State::Protocollata, State::InIstruttoria],
        _ => &[State::Ammessa, State::InIstruttoria, State::Protocollata],
    }
}

/// Queues one message per template, each to a different application; returns how many.
pub fn queue_catalogue(store: &Store, call: &Call, at: Timestamp) -> Result<usize, StoreError> {
    let config = ComuneConfig::example();
    let ctx = Context {
        actor: "mrossi".into(),
        on_behalf_of: None,
        now: at,
    };
    let mut used: Vec<ApplicationId> = Vec::new();
    let mut queued = 0;
    for (n, template) in Catalogue::builtin().templates().iter().enumerate() {
        let mut candidates = Vec::new();
        for state in wanted_state(&template.id) {
            candidates.extend(store.ids_in_state(*state)?);
        }
        let Some(id) = candidates.into_iter().find(|id| !used.contains(id)) else {
            continue;
        };
        let mut typed = Values::new();
        for spec in template.placeholders() {
            if spec.source == crate::messages::ValueSource::Caseworker {
                let input = typed_value(spec, &template.id, call, n as u64);
                typed
                    .insert_input(spec, &input)
                    .map_err(StoreError::Message)?;
            }
        }
        let order = Order {
            template,
            config: &config,
            typed,
            recipient: None,
        };
        store.execute_and_queue(None, Some(id), &ctx, &order)?;
        used.push(id);
        queued += 1;
    }
    Ok(queued)
}
