//! Ordinary least squares `y = slope·x + intercept`, unweighted, as gonum's
//! `stat.LinearRegression` in the seed. The moments come from `statrs`' `Statistics`
//! (mean, sample variance, sample covariance; the n−1 factors cancel in the slope).

use statrs::statistics::Statistics;

/// `(slope, intercept)` of the least-squares line through the points. One point, or points
/// that all share one x, have no slope: the line is flat through the mean of y.
/// `xs` and `ys` must have the same non-zero length.
pub fn fit_linear(xs: &[f64], ys: &[f64]) -> (f64, f64) {
    assert_eq!(xs.len(), ys.len(), "fit_linear: xs and ys differ in length");
    assert!(!ys.is_empty(), "fit_linear: no points");
    let mean_y = ys.mean();
    if xs.len() < 2 {
        return (0.0, mean_y);
    }
    let var_x = xs.variance();
    if var_x == 0.0 || !var_x.is_finite() {
        return (0.0, mean_y);
    }
    let slope = xs.covariance(ys) / var_x;
    (slope, mean_y - slope * xs.mean())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn perfect_line() {
        let xs = [0.0, 5.0, 10.0, 15.0, 20.0, 25.0];
        let ys: Vec<f64> = xs.iter().map(|x| 0.02 * x + 0.1).collect();
        let (slope, intercept) = fit_linear(&xs, &ys);
        assert!(close(slope, 0.02, 1e-12) && close(intercept, 0.1, 1e-12), "{slope} {intercept}");
        // Extrapolation at x = 60 (lookback 30 + horizon 30), the seed's test: 1.3.
        assert!(close(slope * 60.0 + intercept, 1.3, 1e-12));
    }

    #[test]
    fn flat_series() {
        let (slope, intercept) = fit_linear(&[0.0, 5.0, 10.0], &[0.5, 0.5, 0.5]);
        assert!(close(slope, 0.0, 1e-12) && close(intercept, 0.5, 1e-12));
    }

    #[test]
    fn decreasing_series_has_a_negative_slope() {
        let (slope, _) = fit_linear(&[0.0, 5.0, 10.0, 15.0], &[0.8, 0.6, 0.5, 0.3]);
        assert!(slope < 0.0);
    }

    #[test]
    fn single_point_is_flat_through_it() {
        assert_eq!(fit_linear(&[10.0], &[0.42]), (0.0, 0.42));
    }

    #[test]
    fn seed_worked_example() {
        let (slope, intercept) = fit_linear(&[0.0, 5.0, 10.0, 15.0, 20.0, 25.0], &[0.2, 0.3, 0.35, 0.4, 0.45, 0.5]);
        assert!(close(slope, 0.011429, 5e-7), "{slope}");
        assert!(close(intercept, 0.22381, 5e-6), "{intercept}");
    }
}
