//! Plots as standalone SVG files (drawn with plotters' SVG backend; text is SVG `<text>`, so no
//! font files are needed): the confusion matrix and per-class scores of `stance eval --plot`,
//! and the learning curves `stance train` writes next to its metrics log.

mod classes;
mod confusion;
mod curves;

pub use classes::class_scores_svg;
pub use confusion::confusion_svg;
pub use curves::{learning_curves_svg, EpochPoint, LearningCurve};

use plotters::style::RGBColor;

use crate::error::{Error, Result};

/// The font family of every text.
const FONT: &str = "sans-serif";
/// Text colour.
const INK: RGBColor = RGBColor(0x1d, 0x23, 0x2a);
/// Secondary text and grid colour.
const MUTED: RGBColor = RGBColor(0x5b, 0x65, 0x70);
/// Colours of successive series.
const SERIES: [RGBColor; 4] = [
    RGBColor(0x2f, 0x5d, 0x8a),
    RGBColor(0xd9, 0x7b, 0x29),
    RGBColor(0x3a, 0x9a, 0x5b),
    RGBColor(0x8e, 0x44, 0xad),
];

/// A plotters error as the library's.
fn plot_error(error: impl std::fmt::Display) -> Error {
    Error::Plot(error.to_string())
}

/// Draws into an SVG document of `size` pixels with `draw` and returns the document.
fn svg_document(
    size: (u32, u32),
    draw: impl FnOnce(
        &plotters::drawing::DrawingArea<plotters::backend::SVGBackend<'_>, plotters::coord::Shift>,
    ) -> Result<()>,
) -> Result<String> {
    use plotters::prelude::*;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        draw(&root)?;
        root.present().map_err(plot_error)?;
    }
    Ok(svg)
}
