//! Markdown tables, aligned so they read well in a terminal too.

/// A table with a header row; cells are plain text.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Columns to align right (numbers).
    right: Vec<bool>,
}

impl Table {
    /// A table with these column titles; a title starting with `>` is a
    /// right-aligned (numeric) column, the `>` itself not shown.
    pub fn new(columns: &[&str]) -> Table {
        Table {
            header: columns.iter().map(|c| c.trim_start_matches('>').to_owned()).collect(),
            right: columns.iter().map(|c| c.starts_with('>')).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (missing cells are left empty).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table as GitHub-flavoured Markdown.
    pub fn render(&self) -> String {
        let n = self.header.len();
        let cell = |row: &Vec<String>, i: usize| row.get(i).cloned().unwrap_or_default().replace('|', "\\|");
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count().max(3)).collect();
        for row in &self.rows {
            for (i, w) in widths.iter_mut().enumerate() {
                *w = (*w).max(cell(row, i).chars().count());
            }
        }
        let line = |cells: Vec<String>| {
            let padded: Vec<String> = (0..n)
                .map(|i| {
                    let c = &cells[i];
                    let pad = widths[i] - c.chars().count();
                    if self.right[i] { format!("{}{c}", " ".repeat(pad)) } else { format!("{c}{}", " ".repeat(pad)) }
                })
                .collect();
            format!("| {} |\n", padded.join(" | "))
        };
        let mut out = line(self.header.clone());
        let rule: Vec<String> = (0..n)
            .map(|i| if self.right[i] { format!("{}:", "-".repeat(widths[i] - 1)) } else { "-".repeat(widths[i]) })
            .collect();
        out.push_str(&format!("| {} |\n", rule.join(" | ")));
        for row in &self.rows {
            out.push_str(&line((0..n).map(|i| cell(row, i)).collect()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_aligned_markdown() {
        let mut t = Table::new(&["Name", ">Time"]);
        t.row(vec!["a|b".into(), "1.0 s".into()]);
        t.row(vec!["longer name".into(), "12 ms".into()]);
        assert_eq!(
            t.render(),
            "| Name        |  Time |\n| ----------- | ----: |\n| a\\|b        | 1.0 s |\n| longer name | 12 ms |\n"
        );
    }
}
