//! Typed rows: each column is decoded into its domain type (dates into `NaiveDate`, codes into
//! their enums, 0/1 flags into `bool`) as the row is read, and a value that does not decode is a
//! [`StorageError::Corrupt`](crate::StorageError::Corrupt) naming the table, the row and the
//! column, never a silent default.
//!
//! Rows are declared with [`typed_row!`], which writes the struct and its `FromRow` for both
//! backends. A column that fails to decode becomes `sqlx::Error::ColumnDecode` carrying a
//! [`CorruptColumn`]; [`crate::Db`] turns that into `StorageError::Corrupt` when the statement
//! returns.

use chrono::NaiveDate;
use domain::codes::StoredCode;
use std::fmt;

/// A stored value that does not decode: where it is and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorruptColumn {
    pub table: &'static str,
    /// The row's `id` column, when the statement selected one.
    pub row: Option<i64>,
    pub column: &'static str,
    pub detail: String,
}

impl fmt::Display for CorruptColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.row {
            Some(id) => write!(f, "row {id}, column {}: {}", self.column, self.detail),
            None => write!(f, "column {}: {}", self.column, self.detail),
        }
    }
}

impl std::error::Error for CorruptColumn {}

/// A field type of a typed row: what the database holds (`Raw`) and how it becomes the domain
/// value.
pub trait Column: Sized {
    type Raw;
    fn from_raw(raw: Self::Raw) -> Result<Self, String>;
}

macro_rules! plain_column {
    ($($t:ty),*) => {$(
        impl Column for $t {
            type Raw = $t;
            fn from_raw(raw: $t) -> Result<$t, String> {
                Ok(raw)
            }
        }
    )*};
}

plain_column!(i64, String, Option<i64>, Option<String>);

impl Column for bool {
    type Raw = i64;
    fn from_raw(raw: i64) -> Result<bool, String> {
        match raw {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(format!("not a 0/1 flag: {other}")),
        }
    }
}

impl Column for NaiveDate {
    type Raw = String;
    fn from_raw(raw: String) -> Result<NaiveDate, String> {
        domain::dates::parse_iso(&raw).ok_or_else(|| format!("not a date (YYYY-MM-DD): {raw:?}"))
    }
}

impl Column for Option<NaiveDate> {
    type Raw = Option<String>;
    fn from_raw(raw: Option<String>) -> Result<Option<NaiveDate>, String> {
        raw.map(NaiveDate::from_raw).transpose()
    }
}

fn code<T: StoredCode>(raw: &str) -> Result<T, String> {
    T::from_stored(raw).ok_or_else(|| format!("unknown {} {raw:?}", T::WHAT))
}

/// Codes are listed one by one: a blanket impl over `StoredCode` would overlap the plain ones.
macro_rules! code_column {
    ($($t:ty),*) => {$(
        impl Column for $t {
            type Raw = String;
            fn from_raw(raw: String) -> Result<$t, String> {
                code(&raw)
            }
        }
        impl Column for Option<$t> {
            type Raw = Option<String>;
            fn from_raw(raw: Option<String>) -> Result<Option<$t>, String> {
                raw.map(|r| code(&r)).transpose()
            }
        }
        impl From<$t> for crate::Arg {
            fn from(v: $t) -> crate::Arg {
                crate::Arg::Str(v.code().to_string())
            }
        }
    )*};
}

code_column!(
    domain::org::OrgKind,
    domain::org::OrgStatus,
    domain::org::UnitKind,
    domain::org::PostKind,
    domain::codes::Gender,
    domain::codes::MemberStatus,
    domain::codes::DuesCategory,
    domain::org_life::MeetingKind,
    domain::org_life::Attendance,
    domain::org_life::AppraisalRating,
    domain::org_life::VotePurpose,
    domain::scope::RoleKind,
    domain::family::dues::payment::PaymentKind,
    domain::family::dues::payment::PaymentMethod,
    domain::family::dues::payment::Payer,
    domain::family::dues::account::EntryKind,
    domain::family::dues::account::Purpose,
    domain::family::lifecycle::TransferKind,
    domain::family::lifecycle::TransferState,
    domain::family::lifecycle::DecisionKind,
    domain::family::lifecycle::election::ElectionMode,
    domain::family::lifecycle::away::AwayKind,
    domain::family::recruitment::Step,
    domain::family::study::TrainingKind,
    domain::major_decision::Category,
    domain::major_matter_report::ReportKind,
    domain::major_matter_report::ReportState,
    domain::ideology_position::PositionKind,
    domain::unit::UnitType,
    domain::unit::Ownership,
    domain::contest::QuestionKind
);

/// Class hours are integer tenths; a negative or absurd number is corrupt, never clamped.
impl Column for domain::family::study::Hours {
    type Raw = i64;
    fn from_raw(raw: i64) -> Result<domain::family::study::Hours, String> {
        domain::family::study::Hours::from_stored(raw).ok_or_else(|| format!("not class hours in tenths: {raw}"))
    }
}

impl Column for Option<domain::family::study::Hours> {
    type Raw = Option<i64>;
    fn from_raw(raw: Option<i64>) -> Result<Option<domain::family::study::Hours>, String> {
        raw.map(domain::family::study::Hours::from_raw).transpose()
    }
}

impl From<domain::family::study::Hours> for crate::Arg {
    fn from(v: domain::family::study::Hours) -> crate::Arg {
        crate::Arg::I64(i64::from(v.tenths()))
    }
}

impl From<Option<domain::family::study::Hours>> for crate::Arg {
    fn from(v: Option<domain::family::study::Hours>) -> crate::Arg {
        crate::Arg::OptI64(v.map(|h| i64::from(h.tenths())))
    }
}

/// Money is integer fen; a negative or absurd amount is corrupt, never clamped.
impl Column for domain::money::Fen {
    type Raw = i64;
    fn from_raw(raw: i64) -> Result<domain::money::Fen, String> {
        domain::money::Fen::new(raw).ok_or_else(|| format!("not an amount in fen: {raw}"))
    }
}

impl Column for Option<domain::money::Fen> {
    type Raw = Option<i64>;
    fn from_raw(raw: Option<i64>) -> Result<Option<domain::money::Fen>, String> {
        raw.map(domain::money::Fen::from_raw).transpose()
    }
}

impl From<domain::money::Fen> for crate::Arg {
    fn from(v: domain::money::Fen) -> crate::Arg {
        crate::Arg::I64(v.fen())
    }
}

impl From<Option<domain::money::Fen>> for crate::Arg {
    fn from(v: Option<domain::money::Fen>) -> crate::Arg {
        crate::Arg::OptI64(v.map(|f| f.fen()))
    }
}

impl From<NaiveDate> for crate::Arg {
    fn from(v: NaiveDate) -> crate::Arg {
        crate::Arg::Str(v.to_string())
    }
}

impl From<Option<NaiveDate>> for crate::Arg {
    fn from(v: Option<NaiveDate>) -> crate::Arg {
        crate::Arg::OptStr(v.map(|d| d.to_string()))
    }
}

/// Reads one column of a typed row. Called by the code [`typed_row!`] writes.
pub fn get<'r, R, T>(row: &'r R, table: &'static str, column: &'static str) -> sqlx::Result<T>
where
    R: sqlx::Row,
    T: Column,
    T::Raw: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    &'static str: sqlx::ColumnIndex<R>,
{
    let raw: T::Raw = row.try_get(column)?;
    T::from_raw(raw).map_err(|detail| sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: Box::new(CorruptColumn { table, row: row.try_get::<i64, _>("id").ok(), column, detail }),
    })
}

/// Declares a row struct read from `table` and its `FromRow` for SQLite and PostgreSQL, each
/// field decoded through [`Column`]. Fields marked `#[flatten]` are rows of their own.
#[macro_export]
macro_rules! typed_row {
    (
        $(#[$meta:meta])*
        pub struct $name:ident in $table:literal {
            $( $(#[doc = $doc:literal])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: $ty ),*
        }

        impl<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> for $name {
            fn from_row(row: &'r sqlx::sqlite::SqliteRow) -> sqlx::Result<Self> {
                Ok(Self { $( $field: $crate::column::get(row, $table, stringify!($field))? ),* })
            }
        }

        impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for $name {
            fn from_row(row: &'r sqlx::postgres::PgRow) -> sqlx::Result<Self> {
                Ok(Self { $( $field: $crate::column::get(row, $table, stringify!($field))? ),* })
            }
        }
    };
}

/// The error a statement's rows produced, with a corrupt column turned into
/// `StorageError::Corrupt`.
pub(crate) fn storage_error(e: sqlx::Error) -> crate::StorageError {
    if let sqlx::Error::ColumnDecode { source, .. } = &e
        && let Some(c) = source.downcast_ref::<CorruptColumn>()
    {
        return crate::StorageError::corrupt(c.table, c.to_string());
    }
    crate::StorageError::Sqlx(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict() {
        assert_eq!(NaiveDate::from_raw("2026-02-28".into()), Ok(NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()));
        assert!(NaiveDate::from_raw("2026-02-29".into()).is_err());
        assert!(NaiveDate::from_raw("2026-2-28".into()).is_err());
        assert_eq!(Option::<NaiveDate>::from_raw(None), Ok(None));
    }

    #[test]
    fn codes_take_only_the_stored_identifier() {
        use domain::codes::MemberStatus;
        assert_eq!(MemberStatus::from_raw("full".into()), Ok(MemberStatus::Full));
        // A label is what a person types, never what is stored.
        assert!(MemberStatus::from_raw("正式党员".into()).is_err());
        assert_eq!(Option::<MemberStatus>::from_raw(Some("left".into())), Ok(Some(MemberStatus::Left)));
    }

    #[test]
    fn flags_are_zero_or_one() {
        assert_eq!(bool::from_raw(0), Ok(false));
        assert_eq!(bool::from_raw(1), Ok(true));
        assert!(bool::from_raw(2).is_err());
    }
}
