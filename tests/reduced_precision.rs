//! Inference with reduced-precision linear layers (`--precision bf16`, `--precision int8`):
//! close to f32 on the same model, a different computation where the CPU has the kernel (so the
//! test sees it run), never used for weights that are being trained, and a property of each
//! loaded model: two models in one process run their own precision.

mod common;

use candle_core::{Device, Tensor};
use common::{encode_contexts, max_abs, max_abs_diff, write_tiny_folder};
use stance::model::dense::Precision;
use stance::model::kernels::{KernelChoice, Kernels};
use stance::model::DropoutRng;
use stance::model::{ClassifierSpec, StanceModel, TrainScope};

#[test]
fn bf16_logits_are_close_to_f32_and_trained_weights_stay_f32() {
    logits_are_close_to_f32_and_trained_weights_stay_f32(Precision::Bf16, 0.03);
}

#[test]
fn int8_logits_are_close_to_f32_and_trained_weights_stay_f32() {
    logits_are_close_to_f32_and_trained_weights_stay_f32(Precision::Int8, 0.1);
}

#[test]
fn a_precision_the_cpu_lacks_runs_as_f32() {
    for precision in Precision::ALL {
        let effective = precision.effective();
        assert!(effective == precision || effective == Precision::F32);
        assert_eq!(effective == precision, precision.runs_here());
    }
}

/// `tolerance`: the largest difference allowed, as a share of the largest f32 logit.
fn logits_are_close_to_f32_and_trained_weights_stay_f32(precision: Precision, tolerance: f32) {
    if !precision.runs_here() {
        eprintln!(
            "skipped: this CPU has no {} ({} runs as f32 here)",
            precision.instructions(),
            precision.name()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write_tiny_folder(dir.path(), 17, false);
    let f32_model = StanceModel::from_dir(dir.path()).unwrap();
    let mut reduced_model = StanceModel::from_dir(dir.path()).unwrap();
    reduced_model.set_precision(precision);
    assert_eq!(f32_model.precision(), Precision::F32);
    let texts = [
        "Ankara would not recognise the vote.",
        "The minister said the court ruling was against the deal, and they would reject the tax.",
        "Iran backed the climate deal.",
    ];
    let input = encode_contexts(&f32_model, "the deal", &texts);

    // Interleaved: each model keeps its own path whatever the other one ran last.
    let f32_logits = f32_model.logits(&input, None).unwrap();
    let reduced_logits = reduced_model.logits(&input, None).unwrap();
    assert_eq!(
        max_abs_diff(&f32_logits, &f32_model.logits(&input, None).unwrap()),
        0.0
    );
    let diff = max_abs_diff(&f32_logits, &reduced_logits);
    let scale = max_abs(&f32_logits);
    assert!(
        diff > 0.0,
        "{precision:?} gave exactly the f32 logits: the kernel did not run"
    );
    assert!(
        diff < tolerance * scale.max(1.0),
        "{precision:?} logits differ from f32 by {diff} (logits up to {scale})"
    );

    // Weights being trained change every step: they are never packed.
    let (mut trainable, _) =
        StanceModel::for_training(dir.path(), &ClassifierSpec::default(), TrainScope::All, 0)
            .unwrap();
    let expected = trainable.logits(&input, None).unwrap();
    trainable.set_precision(precision);
    let got = trainable.logits(&input, None).unwrap();
    assert_eq!(max_abs_diff(&expected, &got), 0.0);
}

#[test]
fn an_inference_model_can_free_the_f32_copies_of_its_packed_layers() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny_folder(dir.path(), 17, false);
    let texts = [
        "Ankara would not recognise the vote.",
        "Iran backed the deal.",
    ];

    // At f32 there is nothing packed to keep: the model stays whole.
    let mut whole = StanceModel::from_dir(dir.path()).unwrap();
    let input = encode_contexts(&whole, "the deal", &texts);
    assert_eq!(whole.keep_only_packed(), 0);
    assert!(whole.tensors().is_ok());
    let f32_logits = whole.logits(&input, None).unwrap();

    for precision in [Precision::Bf16, Precision::Int8] {
        if !precision.runs_here() {
            eprintln!(
                "skipped {}: this CPU has no {}",
                precision.name(),
                precision.instructions()
            );
            continue;
        }
        let mut model = StanceModel::from_dir(dir.path()).unwrap();
        model.set_precision(precision);
        let before = model.logits(&input, None).unwrap();
        assert!(max_abs_diff(&before, &f32_logits) > 0.0);
        // Every linear layer of the encoder: four in attention, two in the feed-forward block.
        let layers = whole.config().num_hidden_layers;
        assert_eq!(model.keep_only_packed(), 6 * layers);
        assert_eq!(
            max_abs_diff(&before, &model.logits(&input, None).unwrap()),
            0.0
        );
        // What needs the f32 weights now says so instead of saving a model without them.
        let saved = tempfile::tempdir().unwrap();
        let error = model
            .save(&saved.path().join("copy"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("packed for inference"), "{error}");
        assert!(model.tensors().is_err());
        assert!(model.shift_logits(&[("FAVOR".to_string(), 0.5)]).is_err());
        model.set_precision(Precision::F32);
        let error = model.logits(&input, None).unwrap_err().to_string();
        assert!(
            error.contains(&format!("packed for {} inference", precision.name()))
                && error.contains("f32 weights freed"),
            "{error}"
        );
    }
}

#[test]
fn mixed_precision_training_gradients_stay_close_to_f32() {
    if !Precision::Bf16.runs_here() || !stance::model::bf16_gemm::supported() {
        eprintln!("skipped: this CPU has no AVX-512 BF16 (mixed precision trains in f32 here)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write_tiny_folder(dir.path(), 23, false);
    let load = || {
        StanceModel::for_training(dir.path(), &ClassifierSpec::default(), TrainScope::All, 3)
            .unwrap()
            .0
    };
    let exact = load();
    let mut mixed = load();
    mixed.set_kernels(Kernels {
        mixed_training: true,
        ..mixed.kernels()
    });
    let input = encode_contexts(
        &exact,
        "the deal",
        &[
            "Ankara would not recognise the vote.",
            "The minister said the court ruling was against the deal, and they would reject it.",
            "Iran backed the climate deal.",
        ],
    );
    let targets = Tensor::new(&[1u32, 2, 0], &Device::Cpu).unwrap();
    let gradients = |model: &StanceModel| {
        let pass = model
            .training_forward(&input, &mut DropoutRng::new(5))
            .unwrap();
        let loss = candle_nn::loss::cross_entropy(pass.logits(), &targets).unwrap();
        pass.backward(&loss).unwrap()
    };
    let (expected, got) = (gradients(&exact), gradients(&mixed));
    let mut any_different = false;
    for ((name, a), (_, b)) in exact.trainable().iter().zip(mixed.trainable()) {
        // Master weights stay f32.
        assert_eq!(b.dtype(), candle_core::DType::F32, "{name}");
        let (Some(e), Some(g)) = (expected.get(a), got.get(b)) else {
            panic!("{name} has no gradient");
        };
        let diff = max_abs_diff(e, g);
        any_different |= diff > 0.0;
        let scale = max_abs(e).max(1e-3);
        assert!(
            diff < 0.05 * scale,
            "gradient of {name} differs by {diff} (largest {scale})"
        );
    }
    assert!(
        any_different,
        "mixed precision gave the f32 gradients exactly: bf16 did not run"
    );
}
