// `StoreKey` is part of this store's interface (`SQLiteStore(path:key:)`): its users need not
// import the module it lives in, shared with the PostgreSQL store.
@_exported import FTTHStoreKit
