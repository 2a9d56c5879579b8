//! Stage 3 output: the plain data model every emitter reads.
//!
//! Every `$ref` is resolved, every `allOf` merged, every name decided (by
//! [`crate::naming`]); emitters never see the OpenAPI document.

use serde_json::Value;

/// Index into [`Api::types`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// The whole API.
#[derive(Clone, Debug, Default)]
pub struct Api {
    pub title: String,
    /// The API's own version (`info.version`).
    pub version: String,
    pub description: Option<String>,
    /// Where relative links in descriptions point (the first server's origin).
    pub doc_base: Option<String>,
    pub servers: Vec<Server>,
    pub security: Vec<SecurityScheme>,
    /// Parameters the client sets once for every call (`x-speakeasy-globals`).
    pub globals: Vec<GlobalParam>,
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    pub retries: Option<RetryPolicy>,
    /// Prefix of the environment variables the client reads (`OPENROUTER`).
    pub env_prefix: String,
    /// Operations by tag, in the order tags first appear.
    pub groups: Vec<Group>,
    /// Operations without a tag, called on the client itself.
    pub ungrouped: Vec<usize>,
}

/// Operations sharing a tag: `client.observability().list()`.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// The tag as written.
    pub tag: String,
    /// Rust type of the group handle (`Observability`).
    pub type_name: String,
    /// Client method returning it (`observability`).
    pub method: String,
    pub doc: Option<String>,
    /// Indexes into [`Api::operations`].
    pub operations: Vec<usize>,
}

impl Api {
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Server {
    pub url: String,
    pub description: Option<String>,
    /// `x-speakeasy-server-id`
    pub id: Option<String>,
    pub variables: Vec<ServerVariable>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServerVariable {
    pub name: String,
    pub default: String,
    pub values: Vec<String>,
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SecurityScheme {
    /// Name in `components.securitySchemes`.
    pub key: String,
    pub kind: SecurityKind,
    pub description: Option<String>,
    /// Whether the top-level `security` requirement names this scheme.
    pub default: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SecurityKind {
    /// `Authorization: Bearer <token>` (http bearer, OAuth2, OpenID Connect).
    Bearer,
    /// `Authorization: Basic …`
    Basic,
    ApiKey {
        location: ParamLocation,
        name: String,
    },
}

/// A parameter set on the client rather than on each call.
#[derive(Clone, Debug, PartialEq)]
pub struct GlobalParam {
    /// Rust name of the setting (`app_title`).
    pub name: String,
    pub wire: String,
    pub location: ParamLocation,
    pub doc: Option<String>,
    /// Environment variable suffix the SDKs derive from the wire name
    /// (`X-OpenRouter-Title` → `X_OPEN_ROUTER_TITLE`).
    pub env_suffix: String,
}

/// Retry defaults (`x-speakeasy-retries`).
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    pub initial_interval_ms: u64,
    pub max_interval_ms: u64,
    pub exponent: f64,
    pub max_elapsed_ms: u64,
    /// Status codes or classes (`5XX`).
    pub status_codes: Vec<String>,
    pub retry_connection_errors: bool,
    /// `x-retry-strategy.maxAttempts` when given.
    pub max_attempts: Option<u32>,
}

/// An `example` from the document and where it sits.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    pub value: Value,
    pub pointer: String,
}

/// A named Rust type.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    pub name: String,
    /// Where the schema sits (`/components/schemas/Foo`).
    pub pointer: String,
    pub doc: Option<String>,
    pub example: Option<Example>,
    pub kind: TypeKind,
    /// Reached from a request (parameters or body).
    pub in_request: bool,
    /// Reached from a response.
    pub in_response: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    Enum(StringEnum),
    Union(TaggedUnion),
    Untagged(Untagged),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Type of extra properties, when the schema allows them.
    pub additional: Option<TypeRef>,
    /// Property of a tagged union that this struct leaves out, because the
    /// union writes it.
    pub dropped_tag: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    pub wire: String,
    /// Where the property's schema sits.
    pub pointer: String,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    pub default: Option<Value>,
    pub doc: Option<String>,
    pub example: Option<Example>,
    pub constraints: Constraints,
    /// Credential-like: masked in `Debug` and in logs.
    pub sensitive: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub deprecated: bool,
    /// Needs a `Box` to break a cycle of direct containment.
    pub boxed: bool,
    /// How the field is represented; decided once, read by every emitter.
    pub shape: FieldShape,
}

/// The Rust representation of a property.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldShape {
    /// `T`, always present.
    Plain,
    /// `T`; the spec default fills in a missing value.
    Defaulted,
    /// `Option<T>`, omitted when `None`.
    Optional,
    /// `Option<T>`, where a missing value reads as `Some(default)`; omitted
    /// when `None`. Used in request types so nothing unset is sent.
    OptionalDefaulted,
    /// `Option<T>` that is always written (`null` for `None`).
    Nullable,
    /// `Tristate<T>`: absent, `null` or a value.
    Tristate,
}

/// Validation keywords kept for docs and for comparing contracts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    pub multiple_of: Option<f64>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<String>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub unique_items: bool,
    pub format: Option<String>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StringEnum {
    pub variants: Vec<EnumVariant>,
    /// Name of the variant that keeps values the spec does not list.
    pub unknown_variant: String,
    /// The document lists numbers or booleans (`enum: [169]` under `type:
    /// string`): read those JSON values too, as the text they spell.
    pub from_scalars: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumVariant {
    pub name: String,
    pub wire: String,
}

/// `oneOf`/`anyOf` with a discriminator property.
#[derive(Clone, Debug, PartialEq)]
pub struct TaggedUnion {
    pub tag: String,
    pub variants: Vec<UnionVariant>,
    pub unknown_variant: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UnionVariant {
    pub name: String,
    /// Discriminator value, as text (what `tag()` returns and reads match).
    pub tag_value: String,
    /// The same value as JSON (a tag may be `true` or a number).
    pub tag_json: Value,
    pub ty: TypeId,
    pub doc: Option<String>,
}

/// `oneOf`/`anyOf` without a discriminator: the first variant that parses.
#[derive(Clone, Debug, PartialEq)]
pub struct Untagged {
    pub variants: Vec<UntaggedVariant>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UntaggedVariant {
    pub name: String,
    pub ty: TypeRef,
    pub doc: Option<String>,
    /// Needs a `Box` to break a cycle of direct containment.
    pub boxed: bool,
}

/// A type as it appears at a use site.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    Bool,
    Int(IntKind),
    F32,
    F64,
    String,
    Uuid,
    /// Bytes: a file part, or a body that is not JSON (`format: binary`).
    Binary,
    /// Any JSON value.
    Json,
    /// A JSON object with any members.
    JsonMap,
    Named(TypeId),
    Array(Box<TypeRef>),
    /// A JSON object whose members all have this type.
    Map(Box<TypeRef>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntKind {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

impl TypeRef {
    /// Every named type this reference mentions.
    pub fn named(&self, out: &mut Vec<TypeId>) {
        match self {
            TypeRef::Named(id) => out.push(*id),
            TypeRef::Array(t) | TypeRef::Map(t) => t.named(out),
            _ => {}
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

impl ParamLocation {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// `operationId`, or one made from method and path.
    pub id: String,
    pub method: Method,
    /// Path template, relative to the server (`/observability/destinations/{id}`).
    pub path: String,
    pub pointer: String,
    /// Group the client exposes the operation under (its first tag).
    pub group: Option<String>,
    /// Rust method name (`x-speakeasy-name-override`, else the operationId).
    pub name: String,
    /// Module of the operation's builder and error (`get_observability_destination`).
    pub module: String,
    /// The call builder type (`GetObservabilityDestination`).
    pub builder: String,
    /// The operation's error enum (`GetObservabilityDestinationError`).
    pub error_enum: String,
    /// When success responses have different bodies: the enum of them.
    pub output_enum: Option<String>,
    /// A server of its own (operation- or path-level `servers`).
    pub server: Option<Server>,
    /// Whether the call carries the client's credential (`security: []`
    /// turns it off).
    pub auth: bool,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    pub responses: Vec<Response>,
    pub pagination: Option<Pagination>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub wire: String,
    pub pointer: String,
    pub location: ParamLocation,
    pub required: bool,
    pub nullable: bool,
    pub ty: TypeRef,
    pub default: Option<Value>,
    pub constraints: Constraints,
    pub doc: Option<String>,
    pub example: Option<Example>,
    pub deprecated: bool,
    /// How arrays and objects are written (`style`).
    pub style: ParamStyle,
    /// `explode`: one entry per array item or object property.
    pub explode: bool,
    /// Name of the client setting this parameter takes its value from.
    pub global: Option<String>,
}

/// `style` of a parameter (OpenAPI 3, "Style Values").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamStyle {
    /// `a=1&a=2`, or `a=1,2` without explode (query, cookie).
    Form,
    /// `1,2` (path, header).
    Simple,
    /// `.1.2` (path).
    Label,
    /// `;a=1,2` (path).
    Matrix,
    /// `a=1%202` (query arrays).
    SpaceDelimited,
    /// `a=1|2` (query arrays).
    PipeDelimited,
    /// `a[k]=v` (query objects).
    DeepObject,
}

impl ParamStyle {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamStyle::Form => "form",
            ParamStyle::Simple => "simple",
            ParamStyle::Label => "label",
            ParamStyle::Matrix => "matrix",
            ParamStyle::SpaceDelimited => "spaceDelimited",
            ParamStyle::PipeDelimited => "pipeDelimited",
            ParamStyle::DeepObject => "deepObject",
        }
    }
}

/// How a body is written or read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BodyKind {
    /// `application/json` and `…+json`.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data` (and other `multipart/…`).
    Multipart,
    /// `text/…`.
    Text,
    /// Anything else, as bytes (`application/octet-stream`, images…).
    Binary,
}

impl BodyKind {
    /// The kind of a media type.
    pub fn of(media_type: &str) -> BodyKind {
        let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if essence == "application/json" || essence.ends_with("+json") || essence == "*/*" || essence == "application/*"
        {
            BodyKind::Json
        } else if essence == "application/x-www-form-urlencoded" {
            BodyKind::Form
        } else if essence.starts_with("multipart/") {
            BodyKind::Multipart
        } else if essence.starts_with("text/") {
            BodyKind::Text
        } else {
            BodyKind::Binary
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            BodyKind::Json => "json",
            BodyKind::Form => "form",
            BodyKind::Multipart => "multipart",
            BodyKind::Text => "text",
            BodyKind::Binary => "binary",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RequestBody {
    pub required: bool,
    pub media_type: String,
    pub kind: BodyKind,
    pub ty: TypeRef,
    pub doc: Option<String>,
    pub example: Option<Example>,
    /// Other media types the same value can be sent as (a struct as JSON,
    /// form or multipart).
    pub alternatives: Vec<(String, BodyKind)>,
}

/// Which statuses a response describes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatusMatch {
    Code(u16),
    /// `2XX` and friends: the first digit.
    Range(u16),
    Default,
}

impl std::fmt::Display for StatusMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusMatch::Code(c) => write!(f, "{c}"),
            StatusMatch::Range(r) => write!(f, "{r}XX"),
            StatusMatch::Default => f.write_str("default"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    pub status: StatusMatch,
    /// A success response (`2xx`; or `default` for 2xx when nothing else is).
    pub success: bool,
    /// Variant of the operation's error enum, or of its output enum when its
    /// success responses have different bodies.
    pub variant: Option<String>,
    pub doc: Option<String>,
    /// Media type and body type; `None` when the response has no content.
    pub body: Option<ResponseBody>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ResponseBody {
    pub media_type: String,
    pub kind: BodyKind,
    pub ty: TypeRef,
    pub example: Option<Example>,
}

/// Offset/limit pagination (`x-speakeasy-pagination`).
#[derive(Clone, Debug, PartialEq)]
pub struct Pagination {
    /// Rust name of the offset parameter.
    pub offset_param: String,
    pub limit_param: String,
    /// The limit the server applies when none is sent (the parameter's default).
    pub default_limit: Option<i64>,
    /// Fields from the response body to the items (`$.data` → `data`).
    pub results: Vec<FieldStep>,
    /// Type of one item.
    pub item: TypeRef,
    /// Fields from the response body to the total item count, when it has one.
    pub total: Option<Vec<FieldStep>>,
}

/// One step of a field path.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldStep {
    /// Rust field name.
    pub name: String,
    pub shape: FieldShape,
    pub ty: TypeRef,
}
