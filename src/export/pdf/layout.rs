//! A small layout engine for A4 documents on pdf-writer: lines and wrapped table rows placed
//! top to bottom, pages broken when full, page numbers in the footer, the standard Helvetica
//! fonts with their metrics (WinAnsiEncoding, so nothing is embedded).
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

const A4: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 48.0;
/// Room kept at the bottom of each page for its number.
const FOOTER: f32 = 28.0;
const CELL_PADDING: f32 = 3.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Orientation {
    Portrait,
    Landscape,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Font {
    Regular,
    Bold,
}

impl Font {
    fn resource(self) -> Name<'static> {
        match self {
            Self::Regular => Name(b"F1"),
            Self::Bold => Name(b"F2"),
        }
    }

    /// Helvetica's advance widths (thousandths of the size) for WinAnsi codes 32..=255, from
    /// Adobe's AFM metrics; codes the encoding leaves unused are 0.
    fn widths(self) -> &'static [u16; 224] {
        match self {
            Self::Regular => &HELVETICA_WIDTHS,
            Self::Bold => &HELVETICA_BOLD_WIDTHS,
        }
    }

    fn width(self, text: &[u8], size: f32) -> f32 {
        let widths = self.widths();
        let units: u32 = text
            .iter()
            .map(|&b| u32::from(widths[usize::from(b.max(32)) - 32]))
            .sum();
        units as f32 * size / 1000.0
    }
}

pub(super) struct Column {
    title: &'static str,
    /// Share of the text width.
    share: f32,
    font: Font,
}

impl Column {
    pub(super) fn new(title: &'static str, share: f32, font: Font) -> Self {
        Self { title, share, font }
    }
}

struct Page {
    size: (f32, f32),
    content: Content,
}

impl Page {
    fn new(orientation: Orientation) -> Self {
        let size = match orientation {
            Orientation::Portrait => A4,
            Orientation::Landscape => (A4.1, A4.0),
        };
        Self {
            size,
            content: Content::new(),
        }
    }
}

pub(super) struct Layout {
    /// Full pages, then the one being written.
    done: Vec<Page>,
    open: Page,
    /// The baseline of the next line, from the bottom of the page.
    y: f32,
}

impl Layout {
    /// A document whose first page has this orientation.
    pub(super) fn new(orientation: Orientation) -> Self {
        let open = Page::new(orientation);
        Self {
            y: open.size.1 - MARGIN,
            done: Vec::new(),
            open,
        }
    }

    /// Starts a new page.
    pub(super) fn page(&mut self, orientation: Orientation) {
        let full = std::mem::replace(&mut self.open, Page::new(orientation));
        self.done.push(full);
        self.y = self.open.size.1 - MARGIN;
    }

    fn current(&mut self) -> &mut Page {
        &mut self.open
    }

    fn text_width(&self) -> f32 {
        self.open.size.0 - 2.0 * MARGIN
    }

    /// Starts a page of the same orientation when less than `height` is left.
    pub(super) fn keep_together(&mut self, height: f32) {
        if self.y - height < MARGIN + FOOTER {
            let orientation = match self.current().size {
                (w, h) if w > h => Orientation::Landscape,
                _ => Orientation::Portrait,
            };
            self.page(orientation);
        }
    }

    pub(super) fn space(&mut self, height: f32) {
        self.y -= height;
    }

    fn show(&mut self, x: f32, y: f32, text: &str, font: Font, size: f32) {
        let encoded = winansi(text);
        self.current()
            .content
            .begin_text()
            .set_font(font.resource(), size)
            .next_line(x, y)
            .show(Str(&encoded))
            .end_text();
    }

    pub(super) fn centered(&mut self, text: &str, font: Font, size: f32) {
        let width = self.text_width();
        for line in wrap(text, font, size, width) {
            self.keep_together(size * 1.3);
            self.y -= size * 1.3;
            let x = MARGIN + (width - font.width(&winansi(&line), size)) / 2.0;
            self.show(x, self.y, &line, font, size);
        }
    }

    pub(super) fn heading(&mut self, text: &str) {
        self.keep_together(60.0);
        self.centered(text, Font::Bold, 11.0);
        self.space(8.0);
    }

    pub(super) fn paragraph(&mut self, text: &str, font: Font, size: f32, indent: f32) {
        let width = self.text_width() - indent;
        for line in wrap(text, font, size, width) {
            self.keep_together(size * 1.4);
            self.y -= size * 1.4;
            self.show(MARGIN + indent, self.y, &line, font, size);
        }
    }

    /// A clause "1. text", its lines indented under the text.
    pub(super) fn numbered(&mut self, number: &str, text: &str, size: f32) {
        let indent = 18.0;
        self.keep_together(size * 1.4);
        let y = self.y - size * 1.4;
        self.show(MARGIN, y, number, Font::Regular, size);
        self.paragraph(text, Font::Regular, size, indent);
        self.space(2.0);
    }

    /// Signature blocks side by side: a role above, a name in brackets below the space to sign.
    pub(super) fn signatures(&mut self, blocks: &[Vec<String>], size: f32) {
        let column = self.text_width() / blocks.len() as f32;
        let top = self.y;
        let mut lowest = top;
        for (index, block) in blocks.iter().enumerate() {
            let mut y = top;
            for line in block.iter().flat_map(|part| part.split('\n')) {
                y -= size * 1.5;
                let font = if y == top - size * 1.5 {
                    Font::Bold
                } else {
                    Font::Regular
                };
                let x = MARGIN
                    + column * index as f32
                    + (column - font.width(&winansi(line), size)) / 2.0;
                self.show(x, y, line, font, size);
            }
            lowest = lowest.min(y);
        }
        self.y = lowest;
    }

    /// A table with wrapped cells; rows never split, the header repeats on every page.
    pub(super) fn table(
        &mut self,
        columns: &[Column],
        rows: &[Vec<String>],
        size: f32,
        header: bool,
    ) {
        let total = self.text_width();
        let widths: Vec<f32> = columns.iter().map(|c| c.share * total).collect();
        let leading = size * 1.25;
        let titles: Vec<String> = columns.iter().map(|c| c.title.to_owned()).collect();
        let header_fonts = vec![Font::Bold; columns.len()];
        let body_fonts: Vec<Font> = columns.iter().map(|c| c.font).collect();
        if header {
            self.keep_together(4.0 * leading);
            self.table_row(&widths, &titles, &header_fonts, size, true);
        }
        for row in rows {
            let height = row_height(&widths, row, &body_fonts, size);
            if self.y - height < MARGIN + FOOTER {
                let orientation = match self.current().size {
                    (w, h) if w > h => Orientation::Landscape,
                    _ => Orientation::Portrait,
                };
                self.page(orientation);
                if header {
                    self.table_row(&widths, &titles, &header_fonts, size, true);
                }
            }
            self.table_row(&widths, row, &body_fonts, size, false);
        }
    }

    fn table_row(
        &mut self,
        widths: &[f32],
        cells: &[String],
        fonts: &[Font],
        size: f32,
        shaded: bool,
    ) {
        let leading = size * 1.25;
        let height = row_height(widths, cells, fonts, size);
        let top = self.y;
        let mut x = MARGIN;
        if shaded {
            let total: f32 = widths.iter().sum();
            self.current()
                .content
                .set_fill_gray(0.88)
                .rect(MARGIN, top - height, total, height)
                .fill_nonzero()
                .set_fill_gray(0.0);
        }
        for ((width, cell), font) in widths.iter().zip(cells).zip(fonts) {
            self.current()
                .content
                .set_line_width(0.5)
                .rect(x, top - height, *width, height)
                .stroke();
            let mut y = top - CELL_PADDING;
            for line in wrap(cell, *font, size, width - 2.0 * CELL_PADDING) {
                y -= leading;
                self.show(x + CELL_PADDING, y + size * 0.25, &line, *font, size);
            }
            x += width;
        }
        self.y = top - height;
    }

    pub(super) fn finish(self, title: &str) -> Vec<u8> {
        let mut pages = self.done;
        pages.push(self.open);
        let count = pages.len();
        for (index, page) in pages.iter_mut().enumerate() {
            let label = format!("Halaman {} dari {count}", index + 1);
            let encoded = winansi(&label);
            let x = page.size.0 - MARGIN - Font::Regular.width(&encoded, 8.0);
            page.content
                .begin_text()
                .set_font(Font::Regular.resource(), 8.0)
                .next_line(x, MARGIN - 14.0)
                .show(Str(&encoded))
                .end_text();
        }

        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let regular = Ref::new(3);
        let bold = Ref::new(4);
        let info = Ref::new(5);
        let first_page = 6;
        let page_ids: Vec<Ref> = (0..count)
            .map(|i| Ref::new(first_page + 2 * i as i32))
            .collect();
        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(page_ids.iter().copied())
            .count(count as i32);
        pdf.type1_font(regular)
            .base_font(Name(b"Helvetica"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.type1_font(bold)
            .base_font(Name(b"Helvetica-Bold"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.document_info(info)
            .title(TextStr(title))
            .producer(TextStr("Musrenbang"));
        for (page, id) in pages.into_iter().zip(&page_ids) {
            let content_id = Ref::new(id.get() + 1);
            let mut writer = pdf.page(*id);
            writer
                .parent(tree)
                .media_box(Rect::new(0.0, 0.0, page.size.0, page.size.1))
                .contents(content_id);
            {
                let mut resources = writer.resources();
                let mut fonts = resources.fonts();
                fonts.pair(Font::Regular.resource(), regular);
                fonts.pair(Font::Bold.resource(), bold);
            }
            writer.finish();
            let data = page.content.finish();
            pdf.stream(content_id, &data);
        }
        pdf.finish()
    }
}

fn row_height(widths: &[f32], cells: &[String], fonts: &[Font], size: f32) -> f32 {
    let lines = widths
        .iter()
        .zip(cells)
        .zip(fonts)
        .map(|((width, cell), font)| wrap(cell, *font, size, width - 2.0 * CELL_PADDING).len())
        .max()
        .unwrap_or(1)
        .max(1);
    lines as f32 * size * 1.25 + 2.0 * CELL_PADDING
}

/// Greedy line breaking at spaces (and at `\n`); a word wider than the line is cut.
fn wrap(text: &str, font: Font, size: f32, width: f32) -> Vec<String> {
    let fits = |line: &str| font.width(&winansi(line), size) <= width;
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if fits(&candidate) {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for ch in word.chars() {
                line.push(ch);
                if !fits(&line) && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::replace(&mut line, ch.to_string()));
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// Text in WinAnsiEncoding (Windows-1252): Latin-1 plus the typographic marks; anything else
/// becomes '?'.
fn winansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{A0}'..='\u{FF}' => c as u32 as u8,
            '€' => 0x80,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '\t' => b' ',
            _ => b'?',
        })
        .collect()
}

#[rustfmt::skip]
static HELVETICA_WIDTHS: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 222, 333, 333, 389, 584, 278, 584, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    222, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,
    556, 0, 0, 0, 0, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 222, 222, 333, 333, 350, 556, 1000, 0, 0, 0, 0, 0, 0, 0, 0,
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];

#[rustfmt::skip]
static HELVETICA_BOLD_WIDTHS: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 278, 333, 333, 389, 584, 278, 584, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    278, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,
    556, 0, 0, 0, 0, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 278, 278, 500, 500, 350, 556, 1000, 0, 0, 0, 0, 0, 0, 0, 0,
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_lines_within_the_width() {
        let lines = wrap(
            "Perbaikan saluran drainase lingkungan RT 03/RW 02 sepanjang 120 meter",
            Font::Regular,
            10.0,
            100.0,
        );
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(Font::Regular.width(&winansi(line), 10.0) <= 100.0, "{line}");
        }
        assert_eq!(wrap("", Font::Regular, 10.0, 100.0), vec![String::new()]);
        assert_eq!(winansi("Rp 1.000 — é ✓"), b"Rp 1.000 \x97 \xE9 ?".to_vec());
    }
}
