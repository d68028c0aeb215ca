//! The order of training examples: shuffled each epoch from the run's seed, grouped into batches
//! of similar length (less padding), the batches themselves shuffled.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

/// Batches per length-sorted pool: large enough to group similar lengths, small enough to
/// keep the order random.
const POOL_BATCHES: usize = 50;

/// A seed for one purpose of one run, derived by mixing (SplitMix64).
pub fn derive_seed(seed: u64, parts: &[u64]) -> u64 {
    let mut state = seed;
    for &part in parts {
        state ^= part.wrapping_add(0x9E37_79B9_7F4A_7C15);
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        state = z ^ (z >> 31);
    }
    state
}

/// The steps of one epoch: each a list of example indices (one optimizer step).
pub fn epoch_plan(lengths: &[usize], step_size: usize, seed: u64, epoch: usize) -> Vec<Vec<usize>> {
    let step_size = step_size.max(1);
    let mut rng = StdRng::seed_from_u64(derive_seed(seed, &[1, epoch as u64]));
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.shuffle(&mut rng);
    let mut steps = Vec::with_capacity(order.len().div_ceil(step_size));
    for pool in order.chunks_mut(step_size * POOL_BATCHES) {
        // Stable sort: ties keep the shuffled order.
        pool.sort_by_key(|&i| lengths[i]);
        steps.extend(pool.chunks(step_size).map(<[usize]>::to_vec));
    }
    steps.shuffle(&mut rng);
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_once_per_epoch_in_length_groups() {
        let lengths: Vec<usize> = (0..1000).map(|i| (i * 7919) % 300).collect();
        let plan = epoch_plan(&lengths, 10, 42, 0);
        let mut seen: Vec<usize> = plan.iter().flatten().copied().collect();
        seen.sort();
        assert_eq!(seen, (0..1000).collect::<Vec<_>>());
        assert!(plan.iter().all(|s| s.len() == 10));
        // Grouping: the mean spread of lengths inside a step is far below the global spread.
        let spread: f64 = plan
            .iter()
            .map(|s| {
                let l: Vec<usize> = s.iter().map(|&i| lengths[i]).collect();
                (l.iter().max().unwrap() - l.iter().min().unwrap()) as f64
            })
            .sum::<f64>()
            / plan.len() as f64;
        assert!(spread < 30.0, "{spread}");
        assert_eq!(plan, epoch_plan(&lengths, 10, 42, 0));
        assert_ne!(plan, epoch_plan(&lengths, 10, 42, 1));
        assert_ne!(plan, epoch_plan(&lengths, 10, 43, 0));
    }
}
