//! A caseworker's order to send a catalogue message: the template, the Comune's values, what
//! the caseworker typed, and (for a message not about an application) the recipient. The store
//! composes it inside the transaction that queues it.

use super::case::{Recipient, case_values};
use super::catalogue::Template;
use super::config::ComuneConfig;
use super::outbox::{Addressee, Compose, Draft};
use super::render::{Rendered, render};
use super::values::Values;
use crate::domain::{Application, Call};

pub struct Order<'a> {
    pub template: &'a Template,
    pub config: &'a ComuneConfig,
    /// Values typed by the caseworker; the case's own values (protocol, names) win over them.
    pub typed: Values,
    /// None: the applicant of the application the message is about.
    pub recipient: Option<Recipient>,
}

impl Order<'_> {
    /// The message rendered for `application`, with everything the preview shows.
    pub fn render(
        &self,
        application: Option<&Application>,
        call: Option<&Call>,
    ) -> Result<Rendered, String> {
        let recipient = match (&self.recipient, application) {
            (Some(recipient), _) => recipient.clone(),
            (None, Some(application)) => Recipient::applicant(application),
            (None, None) => return Err("messaggio senza destinatario".into()),
        };
        let values = self
            .typed
            .clone()
            .merged(&case_values(self.config, call, application));
        render(self.template, &recipient, &values, self.config).map_err(|e| e.to_string())
    }
}

impl Compose for Order<'_> {
    fn compose(
        &self,
        application: Option<&Application>,
        call: Option<&Call>,
    ) -> Result<Draft, String> {
        let rendered = self.render(application, call)?;
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
