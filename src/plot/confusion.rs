//! The confusion matrix as a heat map: rows are gold labels, columns predictions; each cell
//! shows its count and its share of the row (the recall of the gold label on the diagonal),
//! shaded by that share.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{plot_error, svg_document, FONT, INK, MUTED};
use crate::error::Result;

const CELL: i32 = 96;
const LEFT: i32 = 150;
const TOP: i32 = 84;

/// Text of `size` in `colour`, centred on its position.
fn centred(size: u32, colour: &RGBColor) -> TextStyle<'_> {
    TextStyle::from((FONT, size).into_font())
        .color(colour)
        .pos(Pos::new(HPos::Center, VPos::Center))
}

/// The confusion matrix `confusion[gold][predicted]` over `labels`, titled `title`.
pub fn confusion_svg(labels: &[String], confusion: &[Vec<usize>], title: &str) -> Result<String> {
    let k = labels.len() as i32;
    // Wide enough for the title too (about 9 pixels a character at this size).
    let width = (LEFT + k * CELL + 24).max(24 + 9 * title.chars().count() as i32);
    let size = (width as u32, (TOP + k * CELL + 40) as u32);
    svg_document(size, |root| {
        root.draw_text(
            title,
            &TextStyle::from((FONT, 17).into_font()).color(&INK),
            (12, 12),
        )
        .map_err(plot_error)?;
        root.draw_text(
            "predicted",
            &centred(14, &MUTED),
            (LEFT + k * CELL / 2, TOP - 44),
        )
        .map_err(plot_error)?;
        let gold = TextStyle::from((FONT, 14).into_font().transform(FontTransform::Rotate270))
            .color(&MUTED)
            .pos(Pos::new(HPos::Center, VPos::Center));
        root.draw_text("gold", &gold, (18, TOP + k * CELL / 2))
            .map_err(plot_error)?;
        for (j, label) in labels.iter().enumerate() {
            let x = LEFT + j as i32 * CELL + CELL / 2;
            root.draw_text(label, &centred(13, &INK), (x, TOP - 16))
                .map_err(plot_error)?;
        }
        for (i, (label, row)) in labels.iter().zip(confusion).enumerate() {
            let y = TOP + i as i32 * CELL;
            let right = TextStyle::from((FONT, 13).into_font())
                .color(&INK)
                .pos(Pos::new(HPos::Right, VPos::Center));
            root.draw_text(label, &right, (LEFT - 10, y + CELL / 2))
                .map_err(plot_error)?;
            let total: usize = row.iter().sum();
            for (j, &count) in row.iter().enumerate() {
                let share = if total == 0 {
                    0.0
                } else {
                    count as f64 / total as f64
                };
                let x = LEFT + j as i32 * CELL;
                // White to a deep blue with the row share; text turns white on dark cells.
                let shade = |full: u8| (255.0 - (255.0 - full as f64) * share).round() as u8;
                let fill = RGBColor(shade(0x1f), shade(0x4e), shade(0x79));
                root.draw(&Rectangle::new(
                    [(x, y), (x + CELL, y + CELL)],
                    fill.filled(),
                ))
                .map_err(plot_error)?;
                root.draw(&Rectangle::new(
                    [(x, y), (x + CELL, y + CELL)],
                    RGBColor(0xd9, 0xde, 0xe3).stroke_width(1),
                ))
                .map_err(plot_error)?;
                let ink = if share > 0.55 { WHITE } else { INK };
                root.draw_text(
                    &count.to_string(),
                    &centred(18, &ink),
                    (x + CELL / 2, y + CELL / 2 - 9),
                )
                .map_err(plot_error)?;
                root.draw_text(
                    &format!("{:.0}%", share * 100.0),
                    &centred(12, &ink),
                    (x + CELL / 2, y + CELL / 2 + 14),
                )
                .map_err(plot_error)?;
            }
        }
        Ok(())
    })
}
