using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credo.Core.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class Listeners : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "email_listeners",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    NormalizedName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    Protocol = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    EwsUrl = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    Mailbox = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    Folder = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    CredentialId = table.Column<Guid>(type: "uuid", nullable: false),
                    PollIntervalSeconds = table.Column<int>(type: "integer", nullable: false),
                    UnreadOnly = table.Column<bool>(type: "boolean", nullable: false),
                    FromContains = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    SubjectContains = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    OnlyWithAttachments = table.Column<bool>(type: "boolean", nullable: false),
                    AfterProcessing = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    MoveToFolder = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    IncludeAttachments = table.Column<bool>(type: "boolean", nullable: false),
                    WebhookUrl = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    ProtectedWebhookSecret = table.Column<string>(type: "text", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    SyncState = table.Column<string>(type: "text", nullable: true),
                    NextPollAt = table.Column<long>(type: "bigint", nullable: true),
                    LastPollAt = table.Column<long>(type: "bigint", nullable: true),
                    LastSuccessAt = table.Column<long>(type: "bigint", nullable: true),
                    LastError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    LastErrorHint = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ConsecutiveFailures = table.Column<int>(type: "integer", nullable: false),
                    MessagesReceived = table.Column<long>(type: "bigint", nullable: false),
                    LeaseOwner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    LeaseExpiresAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_email_listeners", x => x.Id);
                    table.ForeignKey(
                        name: "FK_email_listeners_credentials_CredentialId",
                        column: x => x.CredentialId,
                        principalTable: "credentials",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "received_messages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ListenerId = table.Column<Guid>(type: "uuid", nullable: false),
                    DedupeKey = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    ItemId = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    InternetMessageId = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    From = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    To = table.Column<string>(type: "text", nullable: true),
                    Cc = table.Column<string>(type: "text", nullable: true),
                    Subject = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ReceivedAt = table.Column<long>(type: "bigint", nullable: true),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Attachments = table.Column<string>(type: "text", nullable: false),
                    BodyPreview = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Mime = table.Column<byte[]>(type: "bytea", nullable: false),
                    RecordedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_received_messages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_received_messages_email_listeners_ListenerId",
                        column: x => x.ListenerId,
                        principalTable: "email_listeners",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "webhook_deliveries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    MessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    ListenerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Payload = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "bigint", nullable: false),
                    ClaimedUntil = table.Column<long>(type: "bigint", nullable: true),
                    LastStatusCode = table.Column<int>(type: "integer", nullable: true),
                    LastError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    DeliveredAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_webhook_deliveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_webhook_deliveries_received_messages_MessageId",
                        column: x => x.MessageId,
                        principalTable: "received_messages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_email_listeners_CredentialId",
                table: "email_listeners",
                column: "CredentialId");

            migrationBuilder.CreateIndex(
                name: "IX_email_listeners_NextPollAt",
                table: "email_listeners",
                column: "NextPollAt");

            migrationBuilder.CreateIndex(
                name: "IX_email_listeners_NormalizedName",
                table: "email_listeners",
                column: "NormalizedName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_received_messages_ListenerId_DedupeKey",
                table: "received_messages",
                columns: new[] { "ListenerId", "DedupeKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_received_messages_ListenerId_RecordedAt",
                table: "received_messages",
                columns: new[] { "ListenerId", "RecordedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_webhook_deliveries_MessageId",
                table: "webhook_deliveries",
                column: "MessageId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_webhook_deliveries_Status_NextAttemptAt",
                table: "webhook_deliveries",
                columns: new[] { "Status", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "webhook_deliveries");

            migrationBuilder.DropTable(
                name: "received_messages");

            migrationBuilder.DropTable(
                name: "email_listeners");
        }
    }
}
