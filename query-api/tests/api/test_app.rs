//! `spawn_app()`: one query-api per test on port 0 with a scratch database, a unique Redis
//! prefix, three principals and an echoing fake command-api. Helpers write rows,
//! checkpoints, cache entries and notifications the way the projector would. Tests never
//! sleep to synchronise; they wait for conditions with deadlines.

use std::sync::Once;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use chrono::{DateTime, SubsecRound, Utc};
use deadpool_redis::redis::AsyncCommands;
use platform::testing::{redis_url, scratch_database, unique_suffix};
use query_api::config::Settings;
use query_api::startup::Application;
use serde_json::{Value, json};
use sqlx::MySqlPool;
use uuid::Uuid;
use views::StateRow;
use views::cluster::{ClusterRow, PoolRecord};
use views::droplet::DropletRow;
use views::notify::{ChangeNotification, cache_key, changes_channel};
use views::operation::OperationRow;
use views::timeline::ClusterEventRow;

pub const ALICE: &str = "alice-token-0000000000";
pub const BOB: &str = "bob-token-000000000000";
pub const ADMIN: &str = "admin-token-0000000000";
pub const SECRET: &str = "test-pagination-secret";

pub struct TestApp {
    pub address: String,
    pub db: MySqlPool,
    pub redis: platform::redis::Pool,
    pub prefix: String,
    pub partitions: i32,
    pub client: reqwest::Client,
    /// Stops the application when the test ends.
    _trigger: platform::shutdown::Trigger,
}

static TRACING: Once = Once::new();

pub async fn spawn_app() -> TestApp {
    let upstream = spawn_upstream();
    spawn_app_with(|settings| settings.command_api_url = upstream).await
}

pub async fn spawn_app_with(customize: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_on_clock(customize, std::sync::Arc::new(platform::clock::SystemClock)).await
}

/// `spawn_app_with` reading time from `clock` (a `ManualClock` the test moves).
pub async fn spawn_app_on_clock(
    customize: impl FnOnce(&mut Settings),
    clock: platform::clock::SharedClock,
) -> TestApp {
    TRACING.call_once(|| {
        if std::env::var("TEST_LOG").is_ok() {
            platform::telemetry::init("query-api-test", "debug");
        }
    });
    let database_url = scratch_database().await;
    let db = MySqlPool::connect(&database_url)
        .await
        .expect("scratch database answers");
    platform::db::migrate(&db).await.expect("migrations apply");
    let prefix = format!("cg:test:{}:", unique_suffix());
    let mut settings = Settings::load().expect("base settings load");
    settings.http.host = "127.0.0.1".into();
    settings.http.port = 0;
    settings.http.body_limit = 64 * 1024;
    settings.database.url = database_url;
    settings.database.max_connections = 5;
    settings.redis.url = redis_url();
    settings.redis.key_prefix = prefix.clone();
    settings.auth.tokens = format!("{ALICE}=alice:member;{BOB}=bob:member;{ADMIN}=root:admin");
    settings.pagination.secret = SECRET.into();
    settings.web_dir = spa_dir();
    // Limits are tested where they are the subject; elsewhere they must never bind.
    settings.rate_limit.quota_scale = Some(1000);
    // A loaded test machine must not push the limiter into its fallback.
    settings.rate_limit.redis_timeout_ms = Some(5_000);
    customize(&mut settings);
    let redis = platform::redis::pool(&settings.redis).expect("redis pool");
    let partitions = settings.kafka.partitions;
    let application = Application::build_with_clock(settings, clock)
        .await
        .expect("application builds");
    let address = format!("http://127.0.0.1:{}", application.port());
    let (trigger, shutdown) = platform::shutdown::channel();
    tokio::spawn(application.run_until_stopped(shutdown));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp {
        address,
        db,
        redis,
        prefix,
        partitions,
        client,
        _trigger: trigger,
    }
}

/// A built-SPA stand-in: one directory with an index.html under cargo's scratch directory
/// for integration tests, written once per test process and shared by every test, so runs
/// leave nothing behind in the system's temp directory.
fn spa_dir() -> String {
    static DIR: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("query-api-spa");
        std::fs::create_dir_all(&dir).expect("spa dir");
        std::fs::write(dir.join("index.html"), "<html>ClusterGenie SPA</html>").expect("index");
        dir.to_string_lossy().into_owned()
    })
    .clone()
}

/// A fake command-api that echoes what it received with status 202.
pub fn spawn_upstream() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind upstream");
    let port = listener.local_addr().expect("address").port();
    let server = HttpServer::new(|| App::new().default_service(web::to(echo)))
        .workers(1)
        .listen(listener)
        .expect("listen")
        .run();
    tokio::spawn(server);
    format!("http://127.0.0.1:{port}")
}

async fn echo(req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let headers: serde_json::Map<String, Value> = req
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), json!(v.to_str().unwrap_or(""))))
        .collect();
    HttpResponse::Accepted()
        .insert_header(("x-upstream", "command-api"))
        .insert_header(("consistency-token", "3:4"))
        .json(json!({
            "method": req.method().as_str(),
            "path": req.uri().path_and_query().map(|pq| pq.as_str()).unwrap_or(""),
            "headers": headers,
            "body": String::from_utf8_lossy(&body),
        }))
}

/// A droplet row as the projector would write it.
pub fn droplet(owner: &str, name: &str, created_at: DateTime<Utc>) -> DropletRow {
    let at = created_at.trunc_subsecs(6);
    DropletRow {
        droplet_id: Uuid::now_v7(),
        owner: owner.into(),
        name: name.into(),
        region: "nyc1".into(),
        size_slug: "s-1vcpu-1gb".into(),
        image: "ubuntu-22-04-x64".into(),
        status: "active".into(),
        locked: false,
        vcpus: 1,
        memory_mb: 1024,
        disk_gb: 25,
        ipv4: Some("10.20.0.7".into()),
        tags: "[\"env:prod\"]".into(),
        failure_reason: None,
        created_at: at,
        updated_at: at,
        delete_time: None,
        purge_time: None,
        version: 3,
        cluster_id: None,
        node_pool_id: None,
        draining: false,
        snapshots: "[]".into(),
        pending_operation_id: None,
        pending_operation_type: None,
        cancel_requested: false,
        names_to_release: "[]".into(),
        provisioned_at: Some(at),
        provider: None,
        holds_capacity: false,
        providers_to_release: "[]".into(),
    }
}

impl TestApp {
    pub fn get(&self, path: &str, token: &str) -> reqwest::RequestBuilder {
        self.client
            .get(format!("{}{path}", self.address))
            .bearer_auth(token)
    }

    pub async fn insert(&self, row: &DropletRow) {
        let marks = platform::db::placeholders(DropletRow::COLUMNS.len());
        let columns = views::row::column_list::<DropletRow>();
        let sql = format!("INSERT INTO droplet ({columns}) VALUES ({marks})");
        row.bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .execute(&self.db)
            .await
            .expect("droplet row inserts");
        self.advance_direct_writes().await;
    }

    /// Moves a checkpoint of its own, as the projector moves its checkpoints in the
    /// transaction that writes rows: list totals are remembered per read-model position.
    pub async fn advance_direct_writes(&self) {
        sqlx::query(
            "INSERT INTO projection_checkpoint (projection, partition_id, next_offset, updated_at) \
             VALUES ('test_direct_writes', 0, 1, NOW(6)) \
             ON DUPLICATE KEY UPDATE next_offset = next_offset + 1",
        )
        .execute(&self.db)
        .await
        .expect("test checkpoint moves");
    }

    pub fn partition_of(&self, id: Uuid) -> i32 {
        platform::kafka::partition_for(id.to_string().as_bytes(), self.partitions)
    }

    pub async fn checkpoint(&self, partition: i32, next_offset: i64) {
        sqlx::query(
            "INSERT INTO projection_checkpoint (projection, partition_id, next_offset, updated_at) \
             VALUES (?, ?, ?, NOW(6)) ON DUPLICATE KEY UPDATE next_offset = VALUES(next_offset)",
        )
        .bind(views::PROJECTION)
        .bind(partition)
        .bind(next_offset)
        .execute(&self.db)
        .await
        .expect("checkpoint upserts");
    }

    pub async fn cache(&self, row: &DropletRow) {
        let mut conn = self.redis.get().await.expect("redis connection");
        let key = cache_key(&self.prefix, "droplet", &row.droplet_id.to_string());
        let value = serde_json::to_string(row).expect("row serializes");
        let _: () = conn.set(key, value).await.expect("cache write");
    }

    pub async fn publish(&self, partition: i32, next_offset: i64, id: Uuid) {
        let mut conn = self.redis.get().await.expect("redis connection");
        let note = ChangeNotification {
            partition,
            next_offset,
            aggregates: vec![format!("droplet:{id}")],
        };
        let payload = serde_json::to_string(&note).expect("notification serializes");
        let _: i64 = conn
            .publish(changes_channel(&self.prefix), payload)
            .await
            .expect("publish");
    }
}

pub use platform::testing::assert_problem;

/// A running cluster row as the projector would write it, with `pools` in its JSON column.
pub fn cluster(
    owner: &str,
    name: &str,
    created_at: DateTime<Utc>,
    pools: &[PoolRecord],
) -> ClusterRow {
    let at = created_at.trunc_subsecs(6);
    ClusterRow {
        cluster_id: Uuid::now_v7(),
        owner: owner.into(),
        name: name.into(),
        region: "nyc1".into(),
        kube_version: "1.31.1-cg.0".into(),
        tags: "[\"env:prod\"]".into(),
        status: "running".into(),
        status_message: String::new(),
        pools: serde_json::to_string(pools).expect("pools serialize"),
        pending_operation_id: None,
        pending_operation_type: None,
        cancel_requested: false,
        pending_scope: None,
        names_to_release: "[]".into(),
        demand_level: None,
        demand_profile: None,
        created_at: at,
        updated_at: at,
        delete_time: None,
        version: 7,
    }
}

/// A node pool record of `count` desired `s-2vcpu-4gb` nodes.
pub fn pool(name: &str, count: u32) -> PoolRecord {
    PoolRecord {
        id: Uuid::now_v7(),
        name: name.into(),
        size_slug: "s-2vcpu-4gb".into(),
        vcpus: 2,
        memory_mb: 4096,
        disk_gb: 80,
        count,
        auto_scale: false,
        min_nodes: 1,
        max_nodes: 5,
        labels: std::collections::BTreeMap::from([("tier".into(), name.into())]),
        taints: Vec::new(),
        tags: Vec::new(),
        status: "active".into(),
        removing: Vec::new(),
    }
}

/// A node droplet of `pool` in `cluster`, in droplet `status`.
pub fn node(
    cluster: &ClusterRow,
    pool: &PoolRecord,
    name: &str,
    status: &str,
    created_at: DateTime<Utc>,
) -> DropletRow {
    let mut row = droplet(&cluster.owner, name, created_at);
    row.cluster_id = Some(cluster.cluster_id);
    row.node_pool_id = Some(pool.id);
    row.size_slug.clone_from(&pool.size_slug);
    row.status = status.into();
    if status == "new" {
        row.ipv4 = None;
        row.provisioned_at = None;
    }
    row
}

/// An operation row in `status` (`running`, `succeeded` or `failed`) as the projector
/// would have folded it.
pub fn operation(
    owner: &str,
    op_type: &str,
    (target_kind, target_id): (&str, Uuid),
    status: &str,
    created_at: DateTime<Utc>,
) -> OperationRow {
    let at = created_at.trunc_subsecs(6);
    let mut row = OperationRow {
        operation_id: Uuid::now_v7(),
        owner: owner.into(),
        op_type: op_type.into(),
        target_kind: target_kind.into(),
        target_id,
        status: "running".into(),
        cancel_requested: false,
        progress_percent: 40,
        progress_step: "provision".into(),
        progress_message: "waiting for the provider".into(),
        steps_total: 2,
        steps_done: 1,
        error_code: None,
        error_detail: None,
        requested_by: owner.into(),
        created_at: at,
        completed_at: None,
        updated_at: at,
        version: 2,
    };
    finish(&mut row, status);
    row
}

/// Moves `row` to `status` the way its terminal fact would (one more version).
pub fn finish(row: &mut OperationRow, status: &str) {
    match status {
        "running" => return,
        "succeeded" => {
            row.progress_percent = 100;
            row.steps_done = row.steps_total;
        }
        "failed" => {
            row.error_code = Some("PROVISIONING_FAILED".into());
            row.error_detail = Some("no capacity in nyc1".into());
        }
        _ => {}
    }
    row.status = status.into();
    row.completed_at = Some(row.updated_at);
    row.version += 1;
}

/// A timeline entry of `cluster` about the cluster itself.
pub fn cluster_event(
    cluster: &ClusterRow,
    event_type: &str,
    occurred_at: DateTime<Utc>,
) -> ClusterEventRow {
    ClusterEventRow {
        event_id: Uuid::now_v7(),
        cluster_id: cluster.cluster_id,
        owner: cluster.owner.clone(),
        event_type: event_type.into(),
        subject_kind: "cluster".into(),
        subject_id: cluster.cluster_id,
        message: format!("{event_type} happened"),
        operation_id: None,
        occurred_at: occurred_at.trunc_subsecs(6),
    }
}

impl TestApp {
    pub async fn insert_cluster(&self, row: &ClusterRow) {
        let marks = platform::db::placeholders(ClusterRow::COLUMNS.len());
        let columns = views::row::column_list::<ClusterRow>();
        let sql = format!("INSERT INTO cluster ({columns}) VALUES ({marks})");
        row.bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .execute(&self.db)
            .await
            .expect("cluster row inserts");
        self.advance_direct_writes().await;
    }

    /// Inserts `row`, or replaces the stored row of the same id (a projector update).
    pub async fn upsert_operation(&self, row: &OperationRow) {
        let sql = format!(
            "REPLACE INTO operation ({}) VALUES ({})",
            views::operation::COLUMNS.join(", "),
            platform::db::placeholders(views::operation::COLUMNS.len())
        );
        row.bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .execute(&self.db)
            .await
            .expect("operation row upserts");
    }

    pub async fn insert_event(&self, row: &ClusterEventRow) {
        let sql = format!(
            "INSERT INTO cluster_event ({}) VALUES ({})",
            views::timeline::COLUMNS.join(", "),
            platform::db::placeholders(views::timeline::COLUMNS.len())
        );
        row.bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .execute(&self.db)
            .await
            .expect("cluster event row inserts");
    }

    /// Waits until query-api listens on its changes channel, so a notification published
    /// afterwards is not lost to a subscription still being set up.
    pub async fn subscribed(&self) -> bool {
        let channel = changes_channel(&self.prefix);
        platform::testing::eventually(std::time::Duration::from_secs(10), || async {
            let Ok(mut conn) = self.redis.get().await else {
                return false;
            };
            let counts: Result<(String, i64), _> = deadpool_redis::redis::cmd("PUBSUB")
                .arg("NUMSUB")
                .arg(&channel)
                .query_async(&mut conn)
                .await;
            counts.is_ok_and(|(_, n)| n > 0)
        })
        .await
    }
}
