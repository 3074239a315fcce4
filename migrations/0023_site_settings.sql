-- The office's own site: its name, force area, contact details, public
-- address, logo and the date of its last accessibility check, as an admin
-- sets them on /staff/settings. One row; an empty text is "not set" (the
-- app then uses its default, or the server's flag or environment
-- variable, which wins over this row). Each app instance keeps the settings
-- in memory and listens on `scrutiny_site` to read them again when they
-- change (src/web/site.rs).

create table site_settings (
    id boolean primary key default true check (id),
    office_name text not null default '',
    force_area text not null default '',
    contact_email text not null default '',
    contact_phone text not null default '',
    postal_address text not null default '',
    public_url text not null default '',
    accessibility_checked_on date,
    logo bytea,
    logo_type text check (logo_type in ('image/png', 'image/svg+xml')),
    check ((logo is null) = (logo_type is null)),
    -- Counts every save: a form names the version it edits, and the logo's
    -- address carries it, so a browser never shows an old logo.
    version integer not null default 1,
    updated_at timestamptz not null default now()
);

insert into site_settings default values;

create function site_announce() returns trigger language plpgsql as $$
begin
    perform pg_notify('scrutiny_site', new.version::text);
    return null;
end $$;
create trigger site_announce after update on site_settings
    for each row execute function site_announce();
