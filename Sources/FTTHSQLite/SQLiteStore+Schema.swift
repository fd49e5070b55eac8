import GRDB

extension SQLiteStore {
    /// The schema, one migration per change; a released migration is never edited.
    /// Every schema change in order; `key` seals the secrets a migration encrypts.
    static func migrator(key: StoreKey) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-foundation") { db in
            try db.execute(
                sql: """
                    CREATE TABLE olts (
                        id INTEGER PRIMARY KEY,
                        address TEXT NOT NULL UNIQUE,
                        name TEXT NOT NULL,
                        dialect TEXT NOT NULL
                    );
                    CREATE TABLE pon_ports (
                        id INTEGER PRIMARY KEY,
                        olt_id INTEGER NOT NULL REFERENCES olts(id),
                        frame INTEGER NOT NULL,
                        slot INTEGER NOT NULL,
                        port INTEGER NOT NULL,
                        svlan INTEGER NOT NULL CHECK (svlan BETWEEN 1 AND 4094),
                        UNIQUE (olt_id, frame, slot, port)
                    );
                    CREATE TABLE projects (
                        id INTEGER PRIMARY KEY,
                        code TEXT NOT NULL UNIQUE,
                        name TEXT NOT NULL,
                        acceptance_required INTEGER NOT NULL,
                        state TEXT NOT NULL,
                        created_at DATETIME NOT NULL
                    );
                    CREATE TABLE splitters (
                        id INTEGER PRIMARY KEY,
                        project_id INTEGER NOT NULL REFERENCES projects(id),
                        pon_port_id INTEGER NOT NULL REFERENCES pon_ports(id),
                        name TEXT NOT NULL,
                        ratio INTEGER NOT NULL,
                        port_count INTEGER NOT NULL CHECK (port_count BETWEEN 1 AND ratio),
                        pon_index INTEGER NOT NULL,
                        UNIQUE (project_id, name),
                        UNIQUE (pon_port_id, pon_index)
                    );
                    CREATE TABLE splitter_ports (
                        id INTEGER PRIMARY KEY,
                        splitter_id INTEGER NOT NULL REFERENCES splitters(id),
                        number INTEGER NOT NULL,
                        onu_name TEXT NOT NULL UNIQUE,
                        activation TEXT NOT NULL DEFAULT 'not_activated',
                        line_verdict TEXT,
                        service_verdict TEXT,
                        awaiting_retest INTEGER NOT NULL DEFAULT 0,
                        onu_serial TEXT,
                        onu_password TEXT,
                        -- Set only while a test ONU is activated: the CVLAN and the OLT and SVLAN it
                        -- is unique on. Released (NULL) on deactivation.
                        cvlan INTEGER,
                        cvlan_olt_id INTEGER REFERENCES olts(id),
                        cvlan_svlan INTEGER,
                        UNIQUE (splitter_id, number)
                    );
                    CREATE UNIQUE INDEX splitter_ports_active_cvlan
                        ON splitter_ports (cvlan_olt_id, cvlan_svlan, cvlan) WHERE cvlan IS NOT NULL;
                    CREATE TABLE cvlan_ranges (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        olt_address TEXT,
                        first INTEGER NOT NULL,
                        last INTEGER NOT NULL,
                        CHECK (1 <= first AND first <= last AND last <= 4094)
                    );
                    CREATE TABLE test_accounts (
                        id INTEGER PRIMARY KEY,
                        username TEXT NOT NULL UNIQUE,
                        password TEXT NOT NULL,
                        created_at DATETIME NOT NULL
                    );
                    CREATE TABLE imports (
                        id INTEGER PRIMARY KEY,
                        at DATETIME NOT NULL,
                        kind TEXT NOT NULL,
                        source TEXT NOT NULL,
                        summary TEXT NOT NULL
                    );
                    -- History: append-only. A re-test adds a row; nothing is ever updated or deleted.
                    CREATE TABLE line_results (
                        id INTEGER PRIMARY KEY,
                        port_id INTEGER NOT NULL REFERENCES splitter_ports(id),
                        at DATETIME NOT NULL,
                        profile TEXT NOT NULL,
                        olt_tx_centi INTEGER,
                        olt_rx_centi INTEGER,
                        onu_tx_centi INTEGER,
                        onu_rx_centi INTEGER,
                        downstream_centi INTEGER,
                        upstream_centi INTEGER,
                        verdict TEXT NOT NULL,
                        readings_json TEXT NOT NULL,
                        verdict_json TEXT NOT NULL
                    );
                    CREATE INDEX line_results_port ON line_results (port_id, id);
                    CREATE TABLE port_events (
                        id INTEGER PRIMARY KEY,
                        port_id INTEGER NOT NULL REFERENCES splitter_ports(id),
                        at DATETIME NOT NULL,
                        event TEXT NOT NULL,
                        detail TEXT NOT NULL DEFAULT ''
                    );
                    CREATE INDEX port_events_port ON port_events (port_id, id);
                    CREATE TABLE project_events (
                        id INTEGER PRIMARY KEY,
                        project_id INTEGER NOT NULL REFERENCES projects(id),
                        at DATETIME NOT NULL,
                        event TEXT NOT NULL,
                        from_state TEXT NOT NULL,
                        to_state TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        detail TEXT NOT NULL DEFAULT ''
                    );
                    """)
            for table in ["line_results", "port_events", "project_events", "imports"] {
                try db.execute(
                    sql: """
                        CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table)
                        BEGIN SELECT RAISE(ABORT, '\(table) is append-only history'); END;
                        CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table)
                        BEGIN SELECT RAISE(ABORT, '\(table) is append-only history'); END;
                        """)
            }
        }
        migrator.registerMigration("v2-api-access") { db in try migrateAPIAccess(db) }
        registerTestRunMigration(&migrator)
        registerOutboxMigration(&migrator)
        registerServiceTestMigration(&migrator)
        registerAccountPasswordMigration(&migrator, key: key)
        registerWebAccountMigration(&migrator)
        registerEvidenceMigration(&migrator)
        registerWhoTestedMigration(&migrator)
        registerODNDesignMigration(&migrator)
        registerRunLeaseMigration(&migrator)
        registerPermitMigration(&migrator)
        registerMetricsRoleMigration(&migrator)
        return migrator
    }
}
