//! Per-class precision, recall and F1 as grouped bars, with the support under each class.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{plot_error, svg_document, FONT, INK, MUTED, SERIES};
use crate::error::Result;
use crate::eval::ClassScores;

/// A metric's name and how to read it off a class's scores.
type Metric = (&'static str, fn(&ClassScores) -> f64);

/// Text of `size` in `colour`, centred under its position.
fn below(size: u32, colour: &RGBColor) -> TextStyle<'_> {
    TextStyle::from((FONT, size).into_font())
        .color(colour)
        .pos(Pos::new(HPos::Center, VPos::Top))
}

/// Bars of precision, recall and F1 for each of `classes`, titled `title`.
pub fn class_scores_svg(classes: &[ClassScores], title: &str) -> Result<String> {
    let k = classes.len().max(1);
    // Wide enough for the title too (about 9 pixels a character at this size).
    let width = (160 + 150 * k).max(480).max(30 + 9 * title.chars().count());
    svg_document((width as u32, 380), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 17).into_font().color(&INK))
            .margin(14)
            .margin_right(130)
            .x_label_area_size(46)
            .y_label_area_size(44)
            .build_cartesian_2d(0f64..k as f64, 0f64..1.0)
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .disable_x_axis()
            .y_desc("score")
            .y_labels(6)
            .y_label_formatter(&|v| format!("{v:.1}"))
            .label_style((FONT, 12).into_font().color(&MUTED))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(0xd9, 0xde, 0xe3))
            .draw()
            .map_err(plot_error)?;
        let metrics: [Metric; 3] = [
            ("precision", |c| c.precision),
            ("recall", |c| c.recall),
            ("F1", |c| c.f1),
        ];
        let bar = 0.24;
        for (m, (name, value)) in metrics.iter().enumerate() {
            let colour = SERIES[m];
            let bars = classes.iter().enumerate().map(|(i, c)| {
                let x0 = i as f64 + 0.14 + m as f64 * bar;
                Rectangle::new([(x0, 0.0), (x0 + bar - 0.03, value(c))], colour.filled())
            });
            chart.draw_series(bars).map_err(plot_error)?;
            // The legend, in the right margin clear of the bars.
            let (right, top) = chart.backend_coord(&(k as f64, 1.0));
            let y = top + 8 + 20 * m as i32;
            root.draw(&Rectangle::new(
                [(right + 16, y - 6), (right + 28, y + 6)],
                colour.filled(),
            ))
            .map_err(plot_error)?;
            let left = TextStyle::from((FONT, 12).into_font())
                .color(&INK)
                .pos(Pos::new(HPos::Left, VPos::Center));
            root.draw_text(name, &left, (right + 34, y))
                .map_err(plot_error)?;
            // The value above each bar.
            let above = TextStyle::from((FONT, 10).into_font())
                .color(&MUTED)
                .pos(Pos::new(HPos::Center, VPos::Bottom));
            for (i, c) in classes.iter().enumerate() {
                let x = i as f64 + 0.14 + m as f64 * bar + (bar - 0.03) / 2.0;
                let (px, py) = chart.backend_coord(&(x, value(c)));
                root.draw_text(&format!("{:.2}", value(c)), &above, (px, py - 2))
                    .map_err(plot_error)?;
            }
        }
        for (i, c) in classes.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
            root.draw_text(&c.label, &below(13, &INK), (px, py + 6))
                .map_err(plot_error)?;
            root.draw_text(
                &format!("support {}", c.support),
                &below(11, &MUTED),
                (px, py + 24),
            )
            .map_err(plot_error)?;
        }
        Ok(())
    })
}
