//! How a [`MeetingStatus`] is stored: its code, as text the database checks.
//! Read it with `status as "status: MeetingStatus"` in a query.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef};
use sqlx::{Decode, Encode, Postgres, Type};

use crate::domain::MeetingStatus;

impl Type<Postgres> for MeetingStatus {
    fn type_info() -> PgTypeInfo {
        <&str as Type<Postgres>>::type_info()
    }

    fn compatible(ty: &PgTypeInfo) -> bool {
        <&str as Type<Postgres>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Postgres> for MeetingStatus {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        let code = <&str as Decode<Postgres>>::decode(value)?;
        MeetingStatus::from_code(code).ok_or_else(|| format!("unknown meeting status {code:?}").into())
    }
}

impl Encode<'_, Postgres> for MeetingStatus {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <&str as Encode<Postgres>>::encode_by_ref(&self.code(), buf)
    }
}
