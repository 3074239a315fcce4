//! The site's settings: one row, saved with its audit entry.

use serde_json::json;
use sqlx::PgConnection;

use super::audit::{self, Entry};
use super::meetings::Saved;
use crate::domain::site::{LogoType, SiteFields};

/// The settings as stored, with the version a form edits.
#[derive(Debug, Clone)]
pub struct Stored {
    pub fields: SiteFields,
    pub version: i32,
    /// The logo's kind, if there is one.
    pub logo: Option<LogoType>,
}

/// The stored settings.
pub async fn get(conn: &mut PgConnection) -> super::Result<Stored> {
    let row = sqlx::query!(
        "select office_name, force_area, contact_email, contact_phone, postal_address, public_url,
                accessibility_checked_on, logo_type, version
         from site_settings"
    )
    .fetch_one(conn)
    .await?;
    Ok(Stored {
        fields: SiteFields {
            office_name: row.office_name,
            force_area: row.force_area,
            contact_email: row.contact_email,
            contact_phone: row.contact_phone,
            postal_address: row.postal_address,
            public_url: row.public_url,
            accessibility_checked_on: row.accessibility_checked_on,
        },
        version: row.version,
        logo: row.logo_type.as_deref().and_then(LogoType::from_media_type),
    })
}

/// The logo's bytes and kind, if there is one.
pub async fn logo(conn: &mut PgConnection) -> super::Result<Option<(LogoType, Vec<u8>)>> {
    let row = sqlx::query!("select logo, logo_type from site_settings")
        .fetch_one(conn)
        .await?;
    Ok(row
        .logo
        .zip(row.logo_type.as_deref().and_then(LogoType::from_media_type))
        .map(|(bytes, kind)| (kind, bytes)))
}

/// Saves the settings if `version` is still current, with the audit row.
pub async fn save(
    conn: &mut PgConnection,
    version: i32,
    fields: &SiteFields,
    by: Option<i64>,
) -> super::Result<Saved> {
    let before = get(conn).await?;
    let updated = sqlx::query!(
        "update site_settings
         set office_name = $2, force_area = $3, contact_email = $4, contact_phone = $5,
             postal_address = $6, public_url = $7, accessibility_checked_on = $8,
             version = version + 1, updated_at = now()
         where version = $1",
        version,
        fields.office_name,
        fields.force_area,
        fields.contact_email,
        fields.contact_phone,
        fields.postal_address,
        fields.public_url,
        fields.accessibility_checked_on,
    )
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(Saved::Conflict);
    }
    let entry = Entry {
        account_id: by,
        meeting_id: None,
        action: "update",
        entity: "site_settings",
        entity_id: None,
        before: Some(json!(before.fields)),
        after: Some(json!(fields)),
    };
    audit::record(conn, entry).await?;
    Ok(Saved::Saved)
}

/// Replaces the logo (or, with `None`, removes it), with the audit row.
pub async fn set_logo(
    conn: &mut PgConnection,
    logo: Option<(LogoType, &[u8])>,
    by: Option<i64>,
) -> super::Result<()> {
    let before = get(conn).await?.logo;
    let (kind, bytes) = logo.map_or((None, None), |(k, b)| (Some(k.media_type()), Some(b)));
    sqlx::query!(
        "update site_settings set logo = $1, logo_type = $2, version = version + 1, updated_at = now()",
        bytes,
        kind,
    )
    .execute(&mut *conn)
    .await?;
    let described =
        |kind: Option<&str>, size: Option<usize>| kind.map(|k| json!({ "logo": k, "bytes": size }));
    let entry = Entry {
        account_id: by,
        meeting_id: None,
        action: if logo.is_some() { "logo" } else { "remove_logo" },
        entity: "site_settings",
        entity_id: None,
        before: described(before.map(LogoType::media_type), None),
        after: described(kind, bytes.map(<[u8]>::len)),
    };
    audit::record(conn, entry).await
}
