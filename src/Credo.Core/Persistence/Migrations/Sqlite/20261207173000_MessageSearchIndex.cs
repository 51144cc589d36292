using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credo.Core.Persistence.Migrations.Sqlite
{
    /// <summary>
    /// A full-text index of received messages' subject and sender for search (FTS5 with the trigram tokenizer, which finds
    /// any substring of three characters or more). It holds the text through SQLite's lower(), which folds ASCII letters
    /// only, and matches case-sensitively: the same matches as SQLite's LIKE, which reads the mail the index does not.
    /// The index stores no text of its own; its rows are tied to messages through received_messages_search_rows, whose
    /// INTEGER PRIMARY KEY keeps the link across VACUUM (a table's implicit rowid does not). Triggers keep both in step
    /// with received_messages.
    /// </summary>
    public partial class MessageSearchIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE received_messages_search_rows (
                    RowId INTEGER PRIMARY KEY,
                    MessageId TEXT NOT NULL UNIQUE);
                """);
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE received_messages_search USING fts5(
                    Subject, "From", content = '', contentless_delete = 1, tokenize = 'trigram case_sensitive 1');
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER received_messages_search_insert AFTER INSERT ON received_messages BEGIN
                    INSERT INTO received_messages_search_rows (MessageId) VALUES (new.Id);
                    INSERT INTO received_messages_search (rowid, Subject, "From") VALUES (last_insert_rowid(), lower(new.Subject), lower(new."From"));
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER received_messages_search_delete AFTER DELETE ON received_messages BEGIN
                    DELETE FROM received_messages_search
                        WHERE rowid = (SELECT RowId FROM received_messages_search_rows WHERE MessageId = old.Id);
                    DELETE FROM received_messages_search_rows WHERE MessageId = old.Id;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER received_messages_search_update AFTER UPDATE OF Subject, "From" ON received_messages BEGIN
                    DELETE FROM received_messages_search
                        WHERE rowid = (SELECT RowId FROM received_messages_search_rows WHERE MessageId = old.Id);
                    INSERT INTO received_messages_search (rowid, Subject, "From")
                        SELECT RowId, lower(new.Subject), lower(new."From") FROM received_messages_search_rows WHERE MessageId = new.Id;
                END;
                """);
            migrationBuilder.Sql("INSERT INTO received_messages_search_rows (MessageId) SELECT Id FROM received_messages;");
            migrationBuilder.Sql("""
                INSERT INTO received_messages_search (rowid, Subject, "From")
                    SELECT r.RowId, lower(m.Subject), lower(m."From") FROM received_messages_search_rows r JOIN received_messages m ON m.Id = r.MessageId;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER received_messages_search_update;");
            migrationBuilder.Sql("DROP TRIGGER received_messages_search_delete;");
            migrationBuilder.Sql("DROP TRIGGER received_messages_search_insert;");
            migrationBuilder.Sql("DROP TABLE received_messages_search;");
            migrationBuilder.Sql("DROP TABLE received_messages_search_rows;");
        }
    }
}
