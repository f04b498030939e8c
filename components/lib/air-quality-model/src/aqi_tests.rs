//! Every breakpoint edge of every table, the step across each edge, truncation, and EPA's
//! worked examples.

use super::*;

/// The smallest step of a pollutant's truncated grid, in the table unit.
fn grid_step(p: Pollutant) -> f64 {
    match p {
        Pollutant::Pm25 | Pollutant::Co => 0.1,
        Pollutant::Pm10 | Pollutant::No2 => 1.0,
        Pollutant::O3 => 0.001,
    }
}

fn table(p: Pollutant) -> &'static [Breakpoint] {
    match p {
        Pollutant::Pm25 => &PM25,
        Pollutant::Pm10 => &PM10,
        Pollutant::O3 => &O3_8H,
        Pollutant::No2 => &NO2,
        Pollutant::Co => &CO,
    }
}

#[test]
fn every_row_edge_maps_to_its_index_edge() {
    for p in Pollutant::ALL {
        for row in table(p) {
            assert_eq!(p.sub_index(row.c_lo), Some(row.i_lo), "{p} at {}", row.c_lo);
            assert_eq!(p.sub_index(row.c_hi), Some(row.i_hi), "{p} at {}", row.c_hi);
        }
    }
}

#[test]
fn one_grid_step_above_a_row_is_the_next_row_start() {
    for p in Pollutant::ALL {
        let rows = table(p);
        for pair in rows.windows(2) {
            let above = pair[0].c_hi + grid_step(p);
            assert!((above - pair[1].c_lo).abs() < 1e-9, "{p}: table has a gap after {}", pair[0].c_hi);
            assert_eq!(p.sub_index(above), Some(pair[1].i_lo), "{p} at {above}");
        }
    }
}

#[test]
fn rows_are_contiguous_in_index() {
    for p in Pollutant::ALL {
        let rows = table(p);
        assert_eq!(rows[0].c_lo, 0.0);
        assert_eq!(rows[0].i_lo, 0);
        for pair in rows.windows(2) {
            assert_eq!(pair[0].i_hi + 1, pair[1].i_lo, "{p}");
        }
    }
}

#[test]
fn values_between_grid_steps_are_truncated_not_rounded() {
    assert_eq!(Pollutant::Pm25.sub_index(9.09), Some(50)); // 9.0
    assert_eq!(Pollutant::Pm25.sub_index(35.49), Some(100)); // 35.4
    assert_eq!(Pollutant::Pm10.sub_index(54.99), Some(50)); // 54
    assert_eq!(Pollutant::No2.sub_index(53.9), Some(50)); // 53
    assert_eq!(Pollutant::Co.sub_index(4.49), Some(50)); // 4.4
    assert_eq!(Pollutant::O3.sub_index(0.0549), Some(50)); // 0.054
}

#[test]
fn epa_worked_examples() {
    // TAD 2024, §"Calculating the AQI": 8-hour ozone 0.078 ppm → 126.
    assert_eq!(Pollutant::O3.sub_index(0.078), Some(126));
    // PM2.5 35.9 µg/m³ → 102 with the 2024 table.
    assert_eq!(Pollutant::Pm25.sub_index(35.9), Some(102));
    // 2024 revision: 12.0 µg/m³ (Good under the 2012 table) is Moderate, 56.
    assert_eq!(Pollutant::Pm25.sub_index(12.0), Some(56));
}

#[test]
fn beyond_the_tables_is_500() {
    assert_eq!(Pollutant::Pm25.sub_index(325.5), Some(500));
    assert_eq!(Pollutant::Pm10.sub_index(605.0), Some(500));
    assert_eq!(Pollutant::No2.sub_index(2050.0), Some(500));
    assert_eq!(Pollutant::Co.sub_index(50.5), Some(500));
    assert_eq!(Pollutant::Pm25.sub_index(10_000.0), Some(500));
}

#[test]
fn ozone_above_the_8_hour_table_is_hazardous_and_monotonic() {
    assert_eq!(Pollutant::O3.sub_index(0.200), Some(300));
    assert_eq!(Pollutant::O3.sub_index(0.201), Some(301));
    assert_eq!(Pollutant::O3.sub_index(0.404), Some(301));
    assert_eq!(Pollutant::O3.sub_index(0.405), Some(301));
    assert_eq!(Pollutant::O3.sub_index(0.604), Some(500));
    assert_eq!(Pollutant::O3.sub_index(0.605), Some(500));
    let mut last = 0;
    for ppb in 0..=700 {
        let index = Pollutant::O3.sub_index(f64::from(ppb) / 1000.0).unwrap();
        assert!(index >= last, "ozone sub-index fell at {ppb} ppb");
        last = index;
    }
}

#[test]
fn sub_indices_never_decrease() {
    for p in Pollutant::ALL {
        let step = grid_step(p);
        let top = table(p).last().unwrap().c_hi + 5.0 * step;
        let (mut c, mut last) = (0.0, 0);
        while c <= top {
            let index = p.sub_index(c).unwrap();
            assert!(index >= last, "{p} fell at {c}");
            last = index;
            c += step;
        }
    }
}

#[test]
fn negative_and_non_finite_have_no_index() {
    for p in Pollutant::ALL {
        assert_eq!(p.sub_index(-0.1), None);
        assert_eq!(p.sub_index(f64::NAN), None);
        assert_eq!(p.sub_index(f64::INFINITY), None);
    }
}

#[test]
fn categories_at_their_edges() {
    let edges = [
        (0, Category::Good),
        (50, Category::Good),
        (51, Category::Moderate),
        (100, Category::Moderate),
        (101, Category::UnhealthyForSensitiveGroups),
        (150, Category::UnhealthyForSensitiveGroups),
        (151, Category::Unhealthy),
        (200, Category::Unhealthy),
        (201, Category::VeryUnhealthy),
        (300, Category::VeryUnhealthy),
        (301, Category::Hazardous),
        (500, Category::Hazardous),
    ];
    for (aqi, category) in edges {
        assert_eq!(Category::of(aqi), category, "{aqi}");
        assert_eq!(Category::parse(category.as_str()), Some(category));
    }
}

#[test]
fn the_aqi_is_the_highest_sub_index() {
    let c = TableConcentrations { pm25_ugm3: 12.0, pm10_ugm3: 160.0, o3_ppm: 0.03, no2_ppb: 20.0, co_ppm: 0.5 };
    let aqi = c.aqi().unwrap();
    assert_eq!(aqi.value, Pollutant::Pm10.sub_index(160.0).unwrap());
    assert_eq!(aqi.dominant, Pollutant::Pm10);
    assert_eq!(aqi.category, Category::UnhealthyForSensitiveGroups);
    let tie = TableConcentrations { pm25_ugm3: 0.0, pm10_ugm3: 0.0, o3_ppm: 0.0, no2_ppb: 0.0, co_ppm: 0.0 };
    assert_eq!(tie.aqi().unwrap(), Aqi { value: 0, category: Category::Good, dominant: Pollutant::Pm25 });
    let negative = TableConcentrations { co_ppm: -1.0, ..c };
    assert_eq!(negative.aqi(), None);
}
