//! Pictures drawn without a font renderer: the 8×8 bitmap text (`glyphs`, also used by the
//! CLI's contact sheets), the placeholder landscape with its caption (`scene`), and the
//! encoded image a finished job serves (`render`), and the SVG of vector models (`svg`). Pure pixels: no I/O, no HTTP.

pub mod glyphs;
pub(crate) mod render;
pub(crate) mod scene;
pub(crate) mod svg;
