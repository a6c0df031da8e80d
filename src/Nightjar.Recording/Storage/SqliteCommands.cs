using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace Nightjar.Recording.Storage;

/// <summary>
/// Runs SQL on a connection with named parameters and hand-written row readers. Parameters come from the public
/// properties of an object (usually anonymous: <c>new { Id = id }</c> fills <c>@Id</c>); rows are read by position
/// with the reader the caller gives, so nothing is generated at run time and the appliance build can be trimmed.
/// </summary>
/// <remarks>
/// Values are stored as SQLite stores them, with two conventions of the recorder's own: a <see cref="DateTimeOffset"/>
/// is ISO 8601 UTC text (it sorts and compares as text; read it back with <see cref="GetUtcTimestamp"/>), and an
/// enum is its number.
/// </remarks>
public static class SqliteCommands
{
    private const string UtcTimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> ParameterProperties = new();

    public static async Task<int> ExecuteAsync(this SqliteConnection connection, string sql, object? param = null, SqliteTransaction? transaction = null)
    {
        await using var command = Create(connection, sql, param, transaction);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>The first column of the first row as <typeparamref name="T"/>; default when there is no row or it is NULL.</summary>
    public static async Task<T?> ExecuteScalarAsync<T>(this SqliteConnection connection, string sql, object? param = null, SqliteTransaction? transaction = null)
    {
        await using var command = Create(connection, sql, param, transaction);
        return ConvertScalar<T>(await command.ExecuteScalarAsync());
    }

    /// <summary>Every row, read by <paramref name="read"/>.</summary>
    public static async Task<List<T>> QueryAsync<T>(
        this SqliteConnection connection, string sql, Func<SqliteDataReader, T> read, object? param = null, SqliteTransaction? transaction = null)
    {
        await using var command = Create(connection, sql, param, transaction);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>The first row, or default when there is none.</summary>
    public static async Task<T?> QueryFirstOrDefaultAsync<T>(
        this SqliteConnection connection, string sql, Func<SqliteDataReader, T> read, object? param = null, SqliteTransaction? transaction = null)
    {
        await using var command = Create(connection, sql, param, transaction);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? read(reader) : default;
    }

    /// <summary>The only row, or default when there is none; more than one row is a bug in the query and throws.</summary>
    public static async Task<T?> QuerySingleOrDefaultAsync<T>(
        this SqliteConnection connection, string sql, Func<SqliteDataReader, T> read, object? param = null, SqliteTransaction? transaction = null)
    {
        await using var command = Create(connection, sql, param, transaction);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return default;
        }

        var row = read(reader);
        return await reader.ReadAsync() ? throw new InvalidOperationException("The query returned more than one row.") : row;
    }

    /// <summary>The only row; none or more than one throws.</summary>
    public static async Task<T> QuerySingleAsync<T>(
        this SqliteConnection connection, string sql, Func<SqliteDataReader, T> read, object? param = null, SqliteTransaction? transaction = null)
    {
        await using var command = Create(connection, sql, param, transaction);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            throw new InvalidOperationException("The query returned no row.");
        }

        var row = read(reader);
        return await reader.ReadAsync() ? throw new InvalidOperationException("The query returned more than one row.") : row;
    }

    /// <summary>A column written as a <see cref="DateTimeOffset"/> parameter (ISO 8601 UTC text).</summary>
    public static DateTimeOffset GetUtcTimestamp(this SqliteDataReader reader, int ordinal) => ParseUtcTimestamp(reader.GetString(ordinal));

    /// <summary>The column as a timestamp, or null when it is NULL.</summary>
    public static DateTimeOffset? GetUtcTimestampOrNull(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetUtcTimestamp(ordinal);

    /// <summary>The column, or null when it is NULL.</summary>
    public static string? GetStringOrNull(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>The column, or null when it is NULL.</summary>
    public static long? GetInt64OrNull(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    /// <summary>The column's bytes, or null when it is NULL.</summary>
    public static byte[]? GetBytesOrNull(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : (byte[])reader.GetValue(ordinal);

    private static SqliteCommand Create(SqliteConnection connection, string sql, object? param, SqliteTransaction? transaction)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        if (param is not null)
        {
            foreach (var property in PropertiesOf(param.GetType()))
            {
                command.Parameters.AddWithValue("@" + property.Name, ToSqlite(property.GetValue(param)));
            }
        }

        return command;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification =
        "Parameter objects are declared in Nightjar's own assemblies, which the trimmed build keeps whole (TrimMode=partial).")]
    private static PropertyInfo[] PropertiesOf(Type type) =>
        ParameterProperties.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance));

    private static object ToSqlite(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset timestamp => timestamp.ToUniversalTime().ToString(UtcTimestampFormat, CultureInfo.InvariantCulture),
        Enum number => Convert.ToInt64(number, CultureInfo.InvariantCulture),
        _ => value,
    };

    private static T? ConvertScalar<T>(object? value)
    {
        if (value is null or DBNull)
        {
            return default;
        }

        if (value is T same)
        {
            return same;
        }

        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (target == typeof(DateTimeOffset))
        {
            return (T)(object)ParseUtcTimestamp((string)value);
        }

        return (T)Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
    }

    private static DateTimeOffset ParseUtcTimestamp(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
