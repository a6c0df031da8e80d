using Microsoft.Data.Sqlite;
using Nightjar.Recording.Storage;

namespace Nightjar.Recorder.Storage;

/// <summary>
/// Versioned schema changes, applied in order at start. <c>PRAGMA user_version</c> records the last one applied.
/// Never edit a shipped migration: add a new one, because recorders in the field already ran the old text.
/// </summary>
public static class SchemaMigrations
{
    private static readonly string[] Migrations =
    [
        // 1: device identity, the admin account, recovery settings, saved settings, the audit log.
        """
        CREATE TABLE device (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            device_id TEXT NOT NULL,
            name TEXT NOT NULL,
            model TEXT NOT NULL,
            created_utc TEXT NOT NULL
        );
        CREATE TABLE account (
            user_name TEXT PRIMARY KEY,
            password_hash TEXT NULL,
            credential_epoch INTEGER NOT NULL DEFAULT 0,
            password_changed_utc TEXT NULL,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until_utc TEXT NULL
        );
        CREATE TABLE recovery (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            email TEXT NULL,
            recovery_key_hash TEXT NULL
        );
        CREATE TABLE setting (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at_utc TEXT NOT NULL,
            event TEXT NOT NULL,
            detail TEXT NOT NULL
        );
        INSERT INTO account (user_name) VALUES ('admin');
        INSERT INTO recovery (id) VALUES (1);
        """,

        // 2: password recovery requests, the device secret that keys their codes, and the mail outbox.
        """
        CREATE TABLE device_secret (
            name TEXT PRIMARY KEY,
            value BLOB NOT NULL
        );
        CREATE TABLE reset_request (
            id TEXT PRIMARY KEY,
            created_utc TEXT NOT NULL,
            expires_utc TEXT NOT NULL,
            method TEXT NOT NULL,
            code_hmac TEXT NULL,
            wrong_attempts INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL,
            ticket_hash TEXT NULL,
            message_id INTEGER NULL
        );
        CREATE INDEX reset_request_created ON reset_request (created_utc);
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            purpose TEXT NOT NULL,
            recipient TEXT NOT NULL,
            subject TEXT NOT NULL,
            content BLOB NULL,
            sensitive INTEGER NOT NULL,
            created_utc TEXT NOT NULL,
            not_after_utc TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_utc TEXT NOT NULL,
            last_error TEXT NULL,
            sent_utc TEXT NULL
        );
        CREATE INDEX outbox_due ON outbox (state, next_attempt_utc);
        """,

        // 3: companion-app tokens (only their keyed hash is stored).
        """
        CREATE TABLE app_token (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            token_hash TEXT NOT NULL UNIQUE,
            client_name TEXT NOT NULL,
            credential_epoch INTEGER NOT NULL,
            created_utc TEXT NOT NULL,
            last_seen_utc TEXT NOT NULL,
            revoked_utc TEXT NULL
        );
        """,

        // 4: finding the open reset request without reading every old one (an attacker can add 5 an hour forever).
        """
        CREATE INDEX reset_request_state ON reset_request (state, created_utc);
        """,

        // 5: cameras added on the console (those from configuration are not stored). A camera removed with its
        // recordings kept stays, credentials erased, so its recordings keep its name.
        """
        CREATE TABLE camera (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            stream_url TEXT NOT NULL,
            sub_stream_url TEXT NULL,
            user_name TEXT NOT NULL DEFAULT '',
            password_cipher BLOB NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            created_utc TEXT NOT NULL,
            removed_utc TEXT NULL
        );
        """,

        // 6: each camera's motion detection (on by default, Medium, the whole picture when the area is NULL).
        """
        ALTER TABLE camera ADD COLUMN motion_enabled INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE camera ADD COLUMN motion_sensitivity TEXT NOT NULL DEFAULT 'Medium';
        ALTER TABLE camera ADD COLUMN motion_area TEXT NULL;
        """,

        // 7: one outbox for every channel: email (as before), MQTT and webhook alerts. Account mail (priority 0) never
        // waits behind alerts (1); a sequence key (a camera) keeps its messages in order; folded counts the alerts that
        // a channel down for long was spared ("and 12 more").
        """
        ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';
        ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE outbox ADD COLUMN sequence_key TEXT NULL;
        ALTER TABLE outbox ADD COLUMN folded INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX outbox_channel_due ON outbox (channel, priority, state, next_attempt_utc);
        CREATE INDEX outbox_sequence ON outbox (channel, sequence_key, state);
        """,

        // 8: which of a camera's events alert, and how sure the object detector must be of what it saw.
        """
        ALTER TABLE camera ADD COLUMN alert_on TEXT NOT NULL DEFAULT 'AnyMotion';
        ALTER TABLE camera ADD COLUMN min_score REAL NOT NULL DEFAULT 0.5;
        """,

        // 9: browsers that receive Web Push alerts, each tied to the web sign-in that registered it: when that sign-in
        // ends (Log Out, Revoke, a password change), its browser gets no more alerts.
        """
        CREATE TABLE push_subscription (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            endpoint TEXT NOT NULL UNIQUE,
            p256dh TEXT NOT NULL,
            auth TEXT NOT NULL,
            app_token_id INTEGER NOT NULL REFERENCES app_token (id),
            created_utc TEXT NOT NULL
        );
        """,

        // 10: the ONVIF device service of a camera added through ONVIF (PTZ and the camera's own events go there), and
        // where its motion events come from (Nightjar's own detection, or the camera's).
        """
        ALTER TABLE camera ADD COLUMN onvif_address TEXT NULL;
        ALTER TABLE camera ADD COLUMN motion_from TEXT NOT NULL DEFAULT 'Nightjar';
        """,
    ];

    public static int LatestVersion => Migrations.Length;

    public static async Task MigrateAsync(SqliteConnection connection)
    {
        // WAL is a property of the file, so setting it once here holds for every later connection.
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
        var current = await connection.ExecuteScalarAsync<int>("PRAGMA user_version;");
        if (current > Migrations.Length)
        {
            throw new InvalidOperationException(
                $"The database is at schema version {current}, newer than this recorder ({Migrations.Length}). Install the newer recorder again or restore a backup.");
        }

        for (var version = current + 1; version <= Migrations.Length; version++)
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            await connection.ExecuteAsync(Migrations[version - 1], transaction: transaction);
            // PRAGMA does not take parameters; the version is our own integer.
            await connection.ExecuteAsync($"PRAGMA user_version = {version};", transaction: transaction);
            await transaction.CommitAsync();
        }
    }
}
