//! A caseworker's order to send a catalogue message: the template, the Comune's values, what
//! the caseworker typed, and (for a message not about an application) the recipient. The store
//! composes it inside the transaction that queues it.

use super::case::{Recipient, appointment_values, assignment_values, case_values, rent_values};
use super::catalogue::Template;
use super::config::ComuneConfig;
use super::outbox::{Addressee, Compose, Draft, Subject};
use super::render::{Rendered, render};
use super::values::Values;

pub struct Order<'a> {
    pub template: &'a Template,
    pub config: &'a ComuneConfig,
    /// Values typed by the caseworker; the case's own values (protocol, names) win over them.
    pub typed: Values,
    /// None: the applicant of the application the message is about.
    pub recipient: Option<Recipient>,
}

impl Order<'_> {
    /// The message rendered for `subject`, with everything the preview shows.
    pub fn render(&self, subject: &Subject<'_>) -> Result<Rendered, String> {
        let recipient = match (&self.recipient, subject.citizen) {
            (Some(recipient), _) | (None, Some(recipient)) => recipient.clone(),
            (None, None) => match (subject.application, subject.appointment) {
                (Some(application), _) => Recipient::applicant(application),
                (None, Some(appointment)) => Recipient::citizen(&appointment.citizen),
                (None, None) => return Err("messaggio senza destinatario".into()),
            },
        };
        let mut known = case_values(self.config, subject.call, subject.application);
        if let Some(appointment) = subject.appointment {
            known = known.merged(&appointment_values(appointment));
        }
        known = known.merged(&assignment_values(
            subject.round,
            subject.placement,
            subject.dwelling,
        ));
        if let Some(notice) = subject.rent_notice {
            known = known.merged(&rent_values(notice));
        }
        let values = self.typed.clone().merged(&known);
        render(self.template, &recipient, &values, self.config).map_err(|e| e.to_string())
    }
}

impl Compose for Order<'_> {
    fn compose(&self, subject: &Subject<'_>) -> Result<Draft, String> {
        let rendered = self.render(subject)?;
        Ok(Draft {
            template: self.template.id.clone(),
            title: self.template.title.clone(),
            addressee: Addressee {
                fiscal_code: rendered.recipient.fiscal_code.clone(),
                name: rendered.recipient.name.clone(),
            },
            message: rendered.message,
        })
    }
}
