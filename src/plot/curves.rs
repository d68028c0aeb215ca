//! Learning curves from a training run's metrics log (`train_log.jsonl`): the training loss over
//! optimizer steps, and the dev scores after each epoch.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde_json::Value;

use super::{plot_error, svg_document, FONT, INK, MUTED, SERIES};
use crate::error::Result;

/// One finished epoch of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochPoint {
    /// 1-based epoch.
    pub epoch: usize,
    /// Global step at its end.
    pub step: usize,
    /// Mean training loss over the epoch.
    pub train_loss: f64,
    /// Dev macro-F1, with dev data.
    pub dev_macro_f1: Option<f64>,
    /// Dev accuracy, with dev data.
    pub dev_accuracy: Option<f64>,
    /// Whether this epoch's model was kept.
    pub best: bool,
}

/// What the learning curves show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LearningCurve {
    /// (global step, mean training loss over the steps since the previous point).
    pub steps: Vec<(usize, f64)>,
    /// The finished epochs.
    pub epochs: Vec<EpochPoint>,
}

impl LearningCurve {
    /// Reads the records of a metrics log: `{"type": "step", "step", "loss"}` and
    /// `{"type": "epoch", "epoch", "step", "train_loss", "dev": {"macro_f1", "accuracy"}?,
    /// "best"}`. Other records and fields are ignored.
    pub fn from_log(records: &[Value]) -> LearningCurve {
        let mut curve = LearningCurve::default();
        let number = |r: &Value, key: &str| r.get(key).and_then(Value::as_f64);
        for record in records {
            match record.get("type").and_then(Value::as_str) {
                Some("step") => {
                    if let (Some(step), Some(loss)) =
                        (number(record, "step"), number(record, "loss"))
                    {
                        curve.steps.push((step as usize, loss));
                    }
                }
                Some("epoch") => {
                    let dev = record.get("dev").filter(|d| d.is_object());
                    curve.epochs.push(EpochPoint {
                        epoch: number(record, "epoch").unwrap_or(0.0) as usize,
                        step: number(record, "step").unwrap_or(0.0) as usize,
                        train_loss: number(record, "train_loss").unwrap_or(f64::NAN),
                        dev_macro_f1: dev.and_then(|d| number(d, "macro_f1")),
                        dev_accuracy: dev.and_then(|d| number(d, "accuracy")),
                        best: record.get("best").and_then(Value::as_bool).unwrap_or(false),
                    });
                }
                _ => {}
            }
        }
        curve
    }
}

/// The curves as one SVG: training loss on the left, dev scores per epoch on the right.
pub fn learning_curves_svg(curve: &LearningCurve, title: &str) -> Result<String> {
    svg_document((960, 400), |root| {
        root.draw_text(
            title,
            &TextStyle::from((FONT, 17).into_font()).color(&INK),
            (14, 10),
        )
        .map_err(plot_error)?;
        let body = root.margin(34, 0, 0, 0);
        let panels = body.split_evenly((1, 2));
        loss_panel(&panels[0], curve)?;
        dev_panel(&panels[1], curve)?;
        Ok(())
    })
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn no_data(area: &Area, message: &str) -> Result<()> {
    let (w, h) = area.dim_in_pixel();
    let style = TextStyle::from((FONT, 13).into_font())
        .color(&MUTED)
        .pos(Pos::new(HPos::Center, VPos::Center));
    area.draw_text(message, &style, (w as i32 / 2, h as i32 / 2))
        .map_err(plot_error)
}

/// A range around `lo..hi` that is never empty.
fn padded(lo: f64, hi: f64) -> std::ops::Range<f64> {
    if hi > lo {
        let pad = (hi - lo) * 0.05;
        (lo - pad)..(hi + pad)
    } else {
        (lo - 0.5)..(hi + 0.5)
    }
}

fn loss_panel(area: &Area, curve: &LearningCurve) -> Result<()> {
    let epoch_losses: Vec<(f64, f64)> = curve
        .epochs
        .iter()
        .filter(|e| e.train_loss.is_finite())
        .map(|e| (e.step as f64, e.train_loss))
        .collect();
    let steps: Vec<(f64, f64)> = curve
        .steps
        .iter()
        .filter(|(_, l)| l.is_finite())
        .map(|&(s, l)| (s as f64, l))
        .collect();
    let all: Vec<&(f64, f64)> = steps.iter().chain(&epoch_losses).collect();
    if all.is_empty() {
        return no_data(area, "no training loss logged yet");
    }
    let (x_max, y_max) = all
        .iter()
        .fold((1.0f64, 0.0f64), |(x, y), p| (x.max(p.0), y.max(p.1)));
    let mut chart = ChartBuilder::on(area)
        .caption("training loss", (FONT, 14).into_font().color(&INK))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0f64..x_max * 1.02, 0f64..y_max * 1.08)
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .x_desc("optimizer step")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.2}"))
        .label_style((FONT, 11).into_font().color(&MUTED))
        .light_line_style(WHITE)
        .draw()
        .map_err(plot_error)?;
    if !steps.is_empty() {
        chart
            .draw_series(LineSeries::new(steps, SERIES[0].mix(0.55).stroke_width(1)))
            .map_err(plot_error)?
            .label("mean over the log interval")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], SERIES[0].mix(0.55)));
    }
    if !epoch_losses.is_empty() {
        chart
            .draw_series(LineSeries::new(
                epoch_losses.clone(),
                SERIES[1].stroke_width(2),
            ))
            .map_err(plot_error)?
            .label("epoch mean")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], SERIES[1].stroke_width(2)));
        chart
            .draw_series(
                epoch_losses
                    .iter()
                    .map(|&p| Circle::new(p, 3, SERIES[1].filled())),
            )
            .map_err(plot_error)?;
    }
    legend(&mut chart)
}

fn dev_panel(area: &Area, curve: &LearningCurve) -> Result<()> {
    let f1: Vec<(f64, f64)> = curve
        .epochs
        .iter()
        .filter_map(|e| e.dev_macro_f1.map(|v| (e.epoch as f64, v)))
        .collect();
    if f1.is_empty() {
        return no_data(area, "no dev scores (train with --dev)");
    }
    let accuracy: Vec<(f64, f64)> = curve
        .epochs
        .iter()
        .filter_map(|e| e.dev_accuracy.map(|v| (e.epoch as f64, v)))
        .collect();
    let last = curve.epochs.iter().map(|e| e.epoch).max().unwrap_or(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption("dev scores per epoch", (FONT, 14).into_font().color(&INK))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(padded(1.0, last), 0f64..1.0)
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .x_labels(curve.epochs.len().clamp(2, 12))
        .x_label_formatter(&|v| {
            if (v - v.round()).abs() < 1e-6 {
                format!("{v:.0}")
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|v| format!("{v:.1}"))
        .label_style((FONT, 11).into_font().color(&MUTED))
        .light_line_style(WHITE)
        .draw()
        .map_err(plot_error)?;
    chart
        .draw_series(LineSeries::new(f1.clone(), SERIES[0].stroke_width(2)))
        .map_err(plot_error)?
        .label("macro-F1")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], SERIES[0].stroke_width(2)));
    chart
        .draw_series(f1.iter().map(|&p| Circle::new(p, 3, SERIES[0].filled())))
        .map_err(plot_error)?;
    if !accuracy.is_empty() {
        chart
            .draw_series(LineSeries::new(accuracy, SERIES[2].stroke_width(1)))
            .map_err(plot_error)?
            .label("accuracy")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], SERIES[2]));
    }
    // The epoch whose model was kept.
    let kept: Vec<(f64, f64)> = curve
        .epochs
        .iter()
        .filter(|e| e.best)
        .filter_map(|e| e.dev_macro_f1.map(|v| (e.epoch as f64, v)))
        .collect();
    if let Some(&best) = kept.last() {
        chart
            .draw_series(std::iter::once(Circle::new(
                best,
                7,
                SERIES[1].stroke_width(2),
            )))
            .map_err(plot_error)?
            .label("kept (best)")
            .legend(|(x, y)| Circle::new((x + 8, y), 5, SERIES[1].stroke_width(2)));
    }
    legend(&mut chart)
}

fn legend<'a>(
    chart: &mut ChartContext<
        'a,
        SVGBackend<'a>,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
) -> Result<()> {
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .margin(8)
        .label_font((FONT, 11).into_font().color(&INK))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(0xd9, 0xde, 0xe3))
        .draw()
        .map_err(plot_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_gives_steps_and_epochs() {
        let records: Vec<Value> = [
            r#"{"type": "step", "epoch": 1, "step": 10, "loss": 1.1, "lr": 0.1}"#,
            r#"{"type": "epoch", "epoch": 1, "step": 12, "train_loss": 1.0, "dev": {"macro_f1": 0.4, "accuracy": 0.5}, "best": true}"#,
            r#"{"type": "epoch", "epoch": 2, "step": 24, "train_loss": 0.8, "dev": null, "best": false}"#,
        ]
        .iter()
        .map(|r| serde_json::from_str(r).unwrap())
        .collect();
        let curve = LearningCurve::from_log(&records);
        assert_eq!(curve.steps, [(10, 1.1)]);
        assert_eq!(curve.epochs.len(), 2);
        assert_eq!(curve.epochs[0].dev_macro_f1, Some(0.4));
        assert_eq!(curve.epochs[1].dev_macro_f1, None);
        let svg = learning_curves_svg(&curve, "run").unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("training loss") && svg.contains("macro-F1")
        );
        // Nothing logged yet still gives a valid picture.
        let empty = learning_curves_svg(&LearningCurve::default(), "run").unwrap();
        assert!(empty.contains("no training loss logged yet"));
    }
}
