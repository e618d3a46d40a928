//! The benchmark's picture: latency by percentile (log scale) and
//! completed requests per second over time, one line per mode.

use std::path::Path;

use plotters::prelude::*;

/// One mode's data.
pub(crate) struct Series {
    pub(crate) name: String,
    /// Sorted latencies.
    pub(crate) latencies_us: Vec<u32>,
    /// Requests per second, per 100 ms.
    pub(crate) per_second: Vec<f64>,
}

pub(crate) fn draw(path: &Path, series: &[Series]) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(path, (1200, 480)).into_drawing_area();
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally(600);

    let max_lat = series
        .iter()
        .filter_map(|s| s.latencies_us.last())
        .copied()
        .max()
        .unwrap_or(1)
        .max(2);
    let mut chart = ChartBuilder::on(&left)
        .caption("Latency by percentile", ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..100f64, (1f64..f64::from(max_lat) * 1.2).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("percentile")
        .y_desc("latency (µs)")
        .draw()?;
    for (i, s) in series.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let n = s.latencies_us.len();
        if n == 0 {
            continue;
        }
        let points = (0..=1000).map(|k| {
            let p = f64::from(k) / 10.0;
            let idx = (((n - 1) as f64) * p / 100.0).round() as usize;
            (p, f64::from(s.latencies_us[idx.min(n - 1)].max(1)))
        });
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))?
            .label(s.name.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;

    let max_t = series
        .iter()
        .map(|s| s.per_second.len())
        .max()
        .unwrap_or(1)
        .max(1);
    let max_rate = series
        .iter()
        .flat_map(|s| s.per_second.iter().copied())
        .fold(1.0f64, f64::max);
    let mut chart = ChartBuilder::on(&right)
        .caption("Completed requests per second", ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..(max_t as f64 / 10.0), 0f64..max_rate * 1.1)?;
    chart
        .configure_mesh()
        .x_desc("seconds")
        .y_desc("requests/s")
        .draw()?;
    for (i, s) in series.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let points = s
            .per_second
            .iter()
            .enumerate()
            .map(|(k, &r)| (k as f64 / 10.0, r));
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))?
            .label(s.name.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
