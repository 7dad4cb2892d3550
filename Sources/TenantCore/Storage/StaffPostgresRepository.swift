import Logging
import PostgresNIO

/// Rows of staff accounts in `platform.users` and `platform.user_communes`.
struct StaffRepository: Sendable {
    let logger: Logger

    /// Replaces the communes assigned to an account with `communeIDs`.
    func replaceCommunes(userID: Int64, communeIDs: [Int64], on connection: PostgresConnection) async throws {
        try await connection.query(
            "DELETE FROM platform.user_communes WHERE user_id = \(userID) AND NOT (commune_unit_id = ANY(\(communeIDs)))",
            logger: self.logger)
        try await connection.query(
            """
            INSERT INTO platform.user_communes (user_id, commune_unit_id)
            SELECT \(userID), id FROM unnest(\(communeIDs)::int8[]) AS id
            ON CONFLICT DO NOTHING
            """, logger: self.logger)
        try await connection.query("UPDATE platform.users SET updated_at = now() WHERE id = \(userID)", logger: self.logger)
    }
}
