using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credo.Core.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CredentialExpiryAndCertificates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "CertificateNotAfter",
                table: "credentials",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CertificateSubject",
                table: "credentials",
                type: "TEXT",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CertificateThumbprint",
                table: "credentials",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtectedCertificate",
                table: "credentials",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "SecretExpiresOn",
                table: "credentials",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SigningAlgorithm",
                table: "credentials",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Type",
                table: "credentials",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "OAuth2ClientCredentials");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CertificateNotAfter",
                table: "credentials");

            migrationBuilder.DropColumn(
                name: "CertificateSubject",
                table: "credentials");

            migrationBuilder.DropColumn(
                name: "CertificateThumbprint",
                table: "credentials");

            migrationBuilder.DropColumn(
                name: "ProtectedCertificate",
                table: "credentials");

            migrationBuilder.DropColumn(
                name: "SecretExpiresOn",
                table: "credentials");

            migrationBuilder.DropColumn(
                name: "SigningAlgorithm",
                table: "credentials");

            migrationBuilder.DropColumn(
                name: "Type",
                table: "credentials");
        }
    }
}
