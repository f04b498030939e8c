//! Conversions between the WIT value types of `spin:postgres@4.0.0` and Postgres' wire types.

use std::error::Error as StdError;

use bytes::{BufMut, BytesMut};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use postgres_types::{accepts, to_sql_checked, FromSql, IsNull, Kind, ToSql, Type};
use rust_decimal::Decimal;
use tokio_postgres::Row;

use super::super::spin::postgres::postgres::{
    Column, DbDataType, DbError, DbValue, Error, Interval, ParameterValue, QueryError, RangeBoundKind,
};

type BoxedParam = Box<dyn ToSql + Sync + Send>;

pub fn as_refs(params: &[BoxedParam]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p.as_ref() as &(dyn ToSql + Sync)).collect()
}

pub fn query_error(e: tokio_postgres::Error) -> Error {
    match e.as_db_error() {
        Some(db) => Error::QueryFailed(QueryError::DbError(DbError {
            as_text: e.to_string(),
            severity: db.severity().to_string(),
            code: db.code().code().to_string(),
            message: db.message().to_string(),
            detail: db.detail().map(str::to_string),
            extras: [("hint", db.hint()), ("table", db.table()), ("column", db.column()), ("constraint", db.constraint())]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k.to_string(), v.to_string())))
                .collect(),
        })),
        None if e.is_closed() => Error::ConnectionFailed(e.to_string()),
        None => Error::QueryFailed(QueryError::Text(source_chain(&e))),
    }
}

fn source_chain(e: &dyn StdError) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn bad(what: impl std::fmt::Display) -> Error {
    Error::BadParameter(what.to_string())
}

pub fn to_sql_params(params: Vec<ParameterValue>) -> Result<Vec<BoxedParam>, Error> {
    params.into_iter().map(to_sql).collect()
}

fn to_sql(value: ParameterValue) -> Result<BoxedParam, Error> {
    use ParameterValue as P;
    Ok(match value {
        P::Boolean(v) => Box::new(v),
        // Postgres has no 1-byte integer; `int8` values travel as smallint.
        P::Int8(v) => Box::new(v as i16),
        P::Int16(v) => Box::new(v),
        P::Int32(v) => Box::new(v),
        P::Int64(v) => Box::new(v),
        P::Floating32(v) => Box::new(v),
        P::Floating64(v) => Box::new(v),
        P::Str(v) => Box::new(v),
        P::Binary(v) => Box::new(v),
        P::Date((y, m, d)) => Box::new(date(y, m, d)?),
        P::Time((h, m, s, ns)) => Box::new(time(h, m, s, ns)?),
        P::Datetime((y, mo, d, h, mi, s, ns)) => Box::new(UtcInstant(date(y, mo, d)?.and_time(time(h, mi, s, ns)?).and_utc())),
        P::Timestamp(secs) => Box::new(UtcInstant(DateTime::from_timestamp(secs, 0).ok_or_else(|| bad(format!("timestamp {secs} is out of range")))?)),
        P::Uuid(v) => Box::new(uuid::Uuid::parse_str(&v).map_err(|e| bad(format!("invalid uuid {v:?}: {e}")))?),
        P::Jsonb(v) => Box::new(serde_json::from_slice::<serde_json::Value>(&v).map_err(|e| bad(format!("invalid jsonb: {e}")))?),
        P::Decimal(v) => Box::new(decimal(&v)?),
        P::RangeInt32((lo, hi)) => Box::new(Range { lower: lo, upper: hi, element: Type::INT4, range: Type::INT4_RANGE }),
        P::RangeInt64((lo, hi)) => Box::new(Range { lower: lo, upper: hi, element: Type::INT8, range: Type::INT8_RANGE }),
        P::RangeDecimal((lo, hi)) => {
            let conv = |b: Option<(String, RangeBoundKind)>| b.map(|(v, k)| decimal(&v).map(|d| (d, k))).transpose();
            Box::new(Range { lower: conv(lo)?, upper: conv(hi)?, element: Type::NUMERIC, range: Type::NUM_RANGE })
        }
        P::ArrayInt32(v) => Box::new(v),
        P::ArrayInt64(v) => Box::new(v),
        P::ArrayDecimal(v) => Box::new(v.iter().map(|d| d.as_deref().map(decimal).transpose()).collect::<Result<Vec<_>, _>>()?),
        P::ArrayStr(v) => Box::new(v),
        P::Interval(v) => Box::new(PgInterval(v)),
        P::DbNull => Box::new(Null),
    })
}

fn date(y: i32, m: u8, d: u8) -> Result<NaiveDate, Error> {
    NaiveDate::from_ymd_opt(y, m.into(), d.into()).ok_or_else(|| bad(format!("invalid date {y}-{m}-{d}")))
}

fn time(h: u8, m: u8, s: u8, ns: u32) -> Result<NaiveTime, Error> {
    NaiveTime::from_hms_nano_opt(h.into(), m.into(), s.into(), ns).ok_or_else(|| bad(format!("invalid time {h}:{m}:{s}.{ns}")))
}

fn decimal(v: &str) -> Result<Decimal, Error> {
    v.parse().map_err(|e| bad(format!("invalid decimal {v:?}: {e}")))
}

/// A UTC instant that binds to both `timestamp` and `timestamptz` parameters, since the
/// WIT `datetime` carries no zone and components rarely know which column type they hit.
#[derive(Debug)]
struct UtcInstant(DateTime<Utc>);

impl ToSql for UtcInstant {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        if *ty == Type::TIMESTAMP {
            self.0.naive_utc().to_sql(ty, out)
        } else {
            self.0.to_sql(ty, out)
        }
    }
    accepts!(TIMESTAMP, TIMESTAMPTZ);
    to_sql_checked!();
}

/// SQL NULL for a parameter of any type.
#[derive(Debug)]
struct Null;

impl ToSql for Null {
    fn to_sql(&self, _: &Type, _: &mut BytesMut) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        Ok(IsNull::Yes)
    }
    fn accepts(_: &Type) -> bool {
        true
    }
    to_sql_checked!();
}

#[derive(Debug)]
struct PgInterval(Interval);

impl ToSql for PgInterval {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        out.put_i64(self.0.micros);
        out.put_i32(self.0.days);
        out.put_i32(self.0.months);
        Ok(IsNull::No)
    }
    accepts!(INTERVAL);
    to_sql_checked!();
}

impl<'a> FromSql<'a> for PgIntervalOut {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        if raw.len() != 16 {
            return Err("interval must be 16 bytes".into());
        }
        Ok(PgIntervalOut(Interval {
            micros: i64::from_be_bytes(raw[0..8].try_into()?),
            days: i32::from_be_bytes(raw[8..12].try_into()?),
            months: i32::from_be_bytes(raw[12..16].try_into()?),
        }))
    }
    accepts!(INTERVAL);
}

struct PgIntervalOut(Interval);

#[derive(Debug)]
struct Range<T> {
    lower: Option<(T, RangeBoundKind)>,
    upper: Option<(T, RangeBoundKind)>,
    element: Type,
    range: Type,
}

impl<T: ToSql + std::fmt::Debug + Sync> ToSql for Range<T> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        if *ty != self.range {
            return Err(format!("cannot bind a {} range to a {ty} parameter", self.element).into());
        }
        let bound = |b: &Option<(T, RangeBoundKind)>, buf: &mut BytesMut| -> Result<postgres_protocol::types::RangeBound<postgres_protocol::IsNull>, Box<dyn StdError + Sync + Send>> {
            use postgres_protocol::types::RangeBound as B;
            Ok(match b {
                None => B::Unbounded,
                Some((v, kind)) => {
                    let is_null = match v.to_sql(&self.element, buf)? {
                        IsNull::Yes => postgres_protocol::IsNull::Yes,
                        IsNull::No => postgres_protocol::IsNull::No,
                    };
                    match kind {
                        RangeBoundKind::Inclusive => B::Inclusive(is_null),
                        RangeBoundKind::Exclusive => B::Exclusive(is_null),
                    }
                }
            })
        };
        postgres_protocol::types::range_to_sql(|buf| bound(&self.lower, buf), |buf| bound(&self.upper, buf), out)?;
        Ok(IsNull::No)
    }
    fn accepts(ty: &Type) -> bool {
        matches!(ty.kind(), Kind::Range(_))
    }
    to_sql_checked!();
}

/// Any value's raw bytes, for column types with no WIT counterpart.
struct Raw(Vec<u8>);

impl<'a> FromSql<'a> for Raw {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        Ok(Raw(raw.to_vec()))
    }
    fn accepts(_: &Type) -> bool {
        true
    }
}

struct RangeOut<T>(Option<(T, RangeBoundKind)>, Option<(T, RangeBoundKind)>);

impl<'a, T: FromSql<'a>> FromSql<'a> for RangeOut<T> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        use postgres_protocol::types::{Range as R, RangeBound as B};
        let Kind::Range(element) = ty.kind() else {
            return Err("not a range".into());
        };
        let bound = |b: B<Option<&'a [u8]>>| -> Result<Option<(T, RangeBoundKind)>, Box<dyn StdError + Sync + Send>> {
            Ok(match b {
                B::Unbounded => None,
                B::Inclusive(v) => Some((T::from_sql_nullable(element, v)?, RangeBoundKind::Inclusive)),
                B::Exclusive(v) => Some((T::from_sql_nullable(element, v)?, RangeBoundKind::Exclusive)),
            })
        };
        match postgres_protocol::types::range_from_sql(raw)? {
            R::Empty => Ok(RangeOut(None, None)),
            R::Nonempty(lo, hi) => Ok(RangeOut(bound(lo)?, bound(hi)?)),
        }
    }
    fn accepts(ty: &Type) -> bool {
        matches!(ty.kind(), Kind::Range(_))
    }
}

pub fn column(c: &tokio_postgres::Column) -> Column {
    Column { name: c.name().to_string(), data_type: data_type(c.type_()) }
}

fn data_type(ty: &Type) -> DbDataType {
    use DbDataType as D;
    match *ty {
        Type::BOOL => D::Boolean,
        Type::CHAR => D::Int8,
        Type::INT2 => D::Int16,
        Type::INT4 => D::Int32,
        Type::INT8 => D::Int64,
        Type::FLOAT4 => D::Floating32,
        Type::FLOAT8 => D::Floating64,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => D::Str,
        Type::BYTEA => D::Binary,
        Type::DATE => D::Date,
        Type::TIME => D::Time,
        Type::TIMESTAMP | Type::TIMESTAMPTZ => D::Datetime,
        Type::UUID => D::Uuid,
        Type::JSON | Type::JSONB => D::Jsonb,
        Type::NUMERIC => D::Decimal,
        Type::INT4_RANGE => D::RangeInt32,
        Type::INT8_RANGE => D::RangeInt64,
        Type::NUM_RANGE => D::RangeDecimal,
        Type::INT4_ARRAY => D::ArrayInt32,
        Type::INT8_ARRAY => D::ArrayInt64,
        Type::NUMERIC_ARRAY => D::ArrayDecimal,
        Type::TEXT_ARRAY | Type::VARCHAR_ARRAY | Type::BPCHAR_ARRAY => D::ArrayStr,
        Type::INTERVAL => D::Interval,
        _ => D::Other(ty.name().to_string()),
    }
}

/// One row's values, each converted as its column's `data_type` says: the type dispatch is
/// decided once per statement (`column`), not once per value.
pub fn row(row: &Row, columns: &[Column]) -> Result<Vec<DbValue>, Error> {
    // Sized up front: collecting into a `Result` loses the length and regrows the vector.
    let mut values = Vec::with_capacity(columns.len());
    for (i, column) in columns.iter().enumerate() {
        values.push(value(row, i, &column.data_type)?);
    }
    Ok(values)
}

fn value(row: &Row, i: usize, data_type: &DbDataType) -> Result<DbValue, Error> {
    use DbDataType as D;
    use DbValue as V;
    let ty = row.columns()[i].type_();
    let conv = |e: tokio_postgres::Error| Error::ValueConversionFailed(format!("column {i} ({ty}): {e}"));
    macro_rules! get {
        ($t:ty, $wrap:expr) => {
            match row.try_get::<_, Option<$t>>(i).map_err(conv)? {
                Some(v) => $wrap(v),
                None => V::DbNull,
            }
        };
    }
    Ok(match data_type {
        D::Boolean => get!(bool, V::Boolean),
        D::Int8 => get!(i8, V::Int8),
        D::Int16 => get!(i16, V::Int16),
        D::Int32 => get!(i32, V::Int32),
        D::Int64 => get!(i64, V::Int64),
        D::Floating32 => get!(f32, V::Floating32),
        D::Floating64 => get!(f64, V::Floating64),
        D::Str => get!(String, V::Str),
        D::Binary => get!(Vec<u8>, V::Binary),
        D::Date => get!(NaiveDate, |d: NaiveDate| V::Date((d.year(), d.month() as u8, d.day() as u8))),
        D::Time => get!(NaiveTime, |t: NaiveTime| V::Time(time_parts(t))),
        D::Datetime if *ty == Type::TIMESTAMPTZ => get!(DateTime<Utc>, |t: DateTime<Utc>| datetime(t.naive_utc())),
        D::Datetime => get!(NaiveDateTime, datetime),
        D::Uuid => get!(uuid::Uuid, |u: uuid::Uuid| V::Uuid(u.to_string())),
        D::Jsonb => get!(serde_json::Value, |j: serde_json::Value| V::Jsonb(j.to_string().into_bytes())),
        D::Decimal => get!(Decimal, |d: Decimal| V::Decimal(d.to_string())),
        D::RangeInt32 => get!(RangeOut<i32>, |r: RangeOut<i32>| V::RangeInt32((r.0, r.1))),
        D::RangeInt64 => get!(RangeOut<i64>, |r: RangeOut<i64>| V::RangeInt64((r.0, r.1))),
        D::RangeDecimal => get!(RangeOut<Decimal>, |r: RangeOut<Decimal>| {
            let s = |b: Option<(Decimal, RangeBoundKind)>| b.map(|(d, k)| (d.to_string(), k));
            V::RangeDecimal((s(r.0), s(r.1)))
        }),
        D::ArrayInt32 => get!(Vec<Option<i32>>, V::ArrayInt32),
        D::ArrayInt64 => get!(Vec<Option<i64>>, V::ArrayInt64),
        D::ArrayDecimal => get!(Vec<Option<Decimal>>, |v: Vec<Option<Decimal>>| V::ArrayDecimal(v.into_iter().map(|d| d.map(|d| d.to_string())).collect())),
        D::ArrayStr => get!(Vec<Option<String>>, V::ArrayStr),
        D::Interval => get!(PgIntervalOut, |v: PgIntervalOut| V::Interval(v.0)),
        // `column` never reports `timestamp` (both timestamp types are `datetime`).
        D::Timestamp | D::Other(_) => get!(Raw, |r: Raw| V::Unsupported(r.0)),
    })
}

fn time_parts(t: NaiveTime) -> (u8, u8, u8, u32) {
    (t.hour() as u8, t.minute() as u8, t.second() as u8, t.nanosecond())
}

fn datetime(t: NaiveDateTime) -> DbValue {
    let (h, m, s, ns) = time_parts(t.time());
    DbValue::Datetime((t.year(), t.month() as u8, t.day() as u8, h, m, s, ns))
}
