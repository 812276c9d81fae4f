//! Choices from the seeded generator. The lists are never empty: the demo's tables are checked
//! when read, and the other lists are written in the code.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// One item, each as likely.
pub(super) fn pick<'t, T>(rng: &mut ChaCha8Rng, items: &'t [T]) -> &'t T {
    &items[rng.random_range(0..items.len())]
}

/// One item, each as likely as its weight.
pub(super) fn weighted<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (item, weight) in items {
        if roll < *weight {
            return *item;
        }
        roll -= weight;
    }
    items[items.len() - 1].0
}
