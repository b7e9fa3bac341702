//! The one table of `make bench`: one line per target with its measured figure, the
//! baseline it is held to (if any), the ratio, the goal and whether it is met. Lines whose
//! figure could not be measured say `n/a` and are never counted as met; a line not met
//! carries the measured reason (`why`).

use serde::Serialize;

/// How a target is judged.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Goal {
    /// figure / baseline ≥ value.
    RatioAtLeast(f64),
    /// figure ≤ value.
    AtMost(f64),
    /// figure ≥ value.
    AtLeast(f64),
    /// Reported, not judged.
    Info,
}

#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub target: String,
    pub figure: Option<f64>,
    pub unit: &'static str,
    pub baseline: Option<f64>,
    pub goal: Goal,
    /// Context printed after the table line (achieved rate, errors, …).
    pub note: String,
    /// The measured reason behind the figure, printed when the goal is not met.
    pub why: String,
}

impl Line {
    pub fn ratio(&self) -> Option<f64> {
        match (self.figure, self.baseline) {
            (Some(f), Some(b)) if b > 0.0 => Some(f / b),
            _ => None,
        }
    }

    pub fn met(&self) -> Option<bool> {
        let figure = self.figure?;
        match self.goal {
            Goal::RatioAtLeast(r) => self.ratio().map(|x| x >= r),
            Goal::AtMost(v) => Some(figure <= v),
            Goal::AtLeast(v) => Some(figure >= v),
            Goal::Info => None,
        }
    }

    fn goal_text(&self) -> String {
        match self.goal {
            Goal::RatioAtLeast(r) => format!(">= {:.0} % of baseline", r * 100.0),
            Goal::AtMost(v) => format!("<= {} {}", trim(v), self.unit),
            Goal::AtLeast(v) => format!(">= {} {}", trim(v), self.unit),
            Goal::Info => "(info)".to_owned(),
        }
    }
}

/// Prints the table, aligned, then the notes.
pub fn print(lines: &[Line]) {
    let rows: Vec<[String; 6]> = lines
        .iter()
        .map(|l| {
            [
                l.target.clone(),
                l.figure
                    .map_or("n/a".into(), |f| format!("{} {}", trim(f), l.unit)),
                l.baseline.map_or("-".into(), trim),
                l.ratio().map_or("-".into(), |r| match l.goal {
                    Goal::RatioAtLeast(_) => format!("{:.1} %", r * 100.0),
                    _ => format!("{r:.0}x"),
                }),
                l.goal_text(),
                match l.met() {
                    Some(true) => "MET".into(),
                    Some(false) => "not met".into(),
                    None if l.figure.is_none() => "n/a".into(),
                    None => "-".into(),
                },
            ]
        })
        .collect();
    let header = ["target", "figure", "baseline", "ratio", "goal", "met"].map(String::from);
    let mut widths = header.clone().map(|h| h.len());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let show = |row: &[String; 6]| {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("| {} |", cells.join(" | "));
    };
    show(&header);
    println!("|{}|", widths.map(|w| "-".repeat(w + 2)).join("|"));
    rows.iter().for_each(show);
    println!();
    for line in lines.iter().filter(|l| !l.note.is_empty()) {
        println!("  {}: {}", line.target, line.note);
        if line.met() == Some(false) && !line.why.is_empty() {
            println!("    why not met: {}", line.why);
        }
    }
}

/// A number with sensible precision: 12345, 123.4, 1.23.
pub fn trim(v: f64) -> String {
    if v.abs() >= 1000.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}
