//! Fine-tuning a classifier: settings, batches, loss, optimizer, schedule, checkpoints and the
//! loop that ties them together.

pub mod batches;
pub mod checkpoint;
pub mod loss;
pub mod optimizer;
pub mod rotation;
pub mod schedule;
pub mod settings;
pub mod trainer;
pub mod weights;

pub use settings::{SelectMetric, TrainSettings};
pub use trainer::{
    resume, train, DevScores, EpochRecord, Silent, SkippedLines, StepRecord, TrainObserver,
    TrainSummary, CURVES_FILE, LOG_FILE, SUMMARY_FILE,
};
pub use weights::ClassBalance;
