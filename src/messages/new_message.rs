//! The body of `POST /api/v1/messages` as the IO contract defines it (`NewMessage`), with the
//! fiscal code in the body as PagoPA recommends. Field order is fixed, so the serialised bytes,
//! and the content hash taken from them, are the same on every machine.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMessage {
    pub fiscal_code: String,
    /// Always `STANDARD`: Premium (`ADVANCED`) needs a contract the office may not have.
    pub feature_level_type: String,
    pub content: MessageContent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageContent {
    pub subject: String,
    /// The body, with the CTA front matter first when the message has buttons.
    pub markdown: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_data: Option<PaymentData>,
    /// UTC, `YYYY-MM-DDTHH:MM:SS.sssZ`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentData {
    /// Euro cents, 1..=9_999_999_999.
    pub amount: u64,
    /// pagoPA "numero avviso": 18 digits, the first 0..=3.
    pub notice_number: String,
    #[serde(default)]
    pub invalid_after_due_date: bool,
    /// Sent only when the Comune's key may send it (group `ApiMessageWriteWithPayee`);
    /// otherwise IO fills it with the service's organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payee: Option<Payee>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payee {
    pub fiscal_code: String,
}

impl NewMessage {
    /// The exact bytes sent to IO.
    pub fn to_json(&self) -> Vec<u8> {
        // Plain structs of strings and integers: serialisation cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// SHA-256 of the bytes sent, in hex: what proves a bundle entry or a receipt unaltered,
    /// and what makes a second identical message to the same citizen a duplicate.
    pub fn content_hash(&self) -> String {
        let digest = Sha256::digest(self.to_json());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}
