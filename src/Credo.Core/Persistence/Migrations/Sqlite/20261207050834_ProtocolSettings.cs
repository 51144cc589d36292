using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credo.Core.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProtocolSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A protocol is a module: its settings move from columns of their own into one JSON value per listener,
            // by protocol and key, so that adding a protocol adds no column. The values move as they are.
            migrationBuilder.AddColumn<string>(
                name: "ProtocolSettings",
                table: "email_listeners",
                type: "TEXT",
                maxLength: 8000,
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.Sql("""
                UPDATE email_listeners SET ProtocolSettings = json_object(
                    'EWS', json_object('url', EwsUrl),
                    'Graph', json_object('url', GraphUrl),
                    'IMAP', json_object('host', ImapHost, 'port', CAST(ImapPort AS TEXT), 'security', ImapSecurity, 'userName', ImapUserName, 'sasl', ImapSasl));
                """);

            migrationBuilder.DropColumn(
                name: "EwsUrl",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "GraphUrl",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "ImapHost",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "ImapPort",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "ImapSasl",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "ImapSecurity",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "ImapUserName",
                table: "email_listeners");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "EwsUrl",
                table: "email_listeners",
                type: "TEXT",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "GraphUrl",
                table: "email_listeners",
                type: "TEXT",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ImapHost",
                table: "email_listeners",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ImapPort",
                table: "email_listeners",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "ImapSasl",
                table: "email_listeners",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ImapSecurity",
                table: "email_listeners",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ImapUserName",
                table: "email_listeners",
                type: "TEXT",
                maxLength: 320,
                nullable: true);

            migrationBuilder.Sql("""
                UPDATE email_listeners SET
                    EwsUrl = json_extract(ProtocolSettings, '$.EWS.url'),
                    GraphUrl = json_extract(ProtocolSettings, '$.Graph.url'),
                    ImapHost = json_extract(ProtocolSettings, '$.IMAP.host'),
                    ImapPort = coalesce(CAST(json_extract(ProtocolSettings, '$.IMAP.port') AS INTEGER), 993),
                    ImapSecurity = coalesce(json_extract(ProtocolSettings, '$.IMAP.security'), 'Tls'),
                    ImapUserName = json_extract(ProtocolSettings, '$.IMAP.userName'),
                    ImapSasl = coalesce(json_extract(ProtocolSettings, '$.IMAP.sasl'), 'XOAuth2');
                """);

            migrationBuilder.DropColumn(
                name: "ProtocolSettings",
                table: "email_listeners");
        }
    }
}
