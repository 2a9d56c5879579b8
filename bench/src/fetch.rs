//! Public documents pinned in `bench/corpus.toml`: package tarballs from the
//! npm registry, checked against their sha256 and cached under
//! `target/corpus/cache`, and the documents extracted from them.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The committed manifest.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Pinned tarballs.
    #[serde(rename = "package")]
    pub packages: Vec<Package>,
    /// Documents inside them.
    #[serde(rename = "document")]
    pub documents: Vec<Document>,
}

/// One pinned tarball.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// The npm package name.
    pub name: String,
    /// Its pinned version.
    pub version: String,
    /// The tarball's address on the registry.
    pub url: String,
    /// The tarball's sha256, in hex.
    pub sha256: String,
    /// Who publishes the documents, for the report.
    pub origin: String,
}

/// One document inside a package.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// A short id, also the generated crate's name suffix.
    pub id: String,
    /// The package it comes from.
    pub package: String,
    /// Its path inside the tarball.
    pub path: String,
}

impl Manifest {
    /// Reads and checks the manifest (ids unique, packages known).
    pub fn load(path: &Path) -> Result<Manifest, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let manifest: Manifest = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut ids = BTreeSet::new();
        for doc in &manifest.documents {
            if !ids.insert(doc.id.as_str()) {
                return Err(format!("{}: document id `{}` appears twice", path.display(), doc.id));
            }
            if manifest.package(&doc.package).is_none() {
                return Err(format!(
                    "{}: document `{}` names unknown package `{}`",
                    path.display(),
                    doc.id,
                    doc.package
                ));
            }
        }
        Ok(manifest)
    }

    /// The package with this name.
    pub fn package(&self, name: &str) -> Option<&Package> {
        self.packages.iter().find(|p| p.name == name)
    }
}

/// Makes sure every document of `docs` is extracted under `dir/docs`, fetching
/// and verifying the tarballs it needs into `dir/cache`. Returns each
/// document's path on disk, in the order given.
pub fn documents(manifest: &Manifest, docs: &[&Document], dir: &Path) -> Result<Vec<PathBuf>, String> {
    let cache = dir.join("cache");
    let extracted = dir.join("docs");
    std::fs::create_dir_all(&cache).map_err(|e| format!("cannot create {}: {e}", cache.display()))?;
    let target = |doc: &Document| {
        let ext = Path::new(&doc.path).extension().and_then(|e| e.to_str()).unwrap_or("json");
        extracted.join(doc.package.replace(['@', '/'], "_")).join(format!("{}.{ext}", doc.id))
    };
    for package in &manifest.packages {
        let wanted: Vec<&&Document> =
            docs.iter().filter(|d| d.package == package.name && !target(d).exists()).collect();
        if wanted.is_empty() {
            continue;
        }
        let tarball = tarball(package, &cache)?;
        extract(&tarball, &wanted.iter().map(|d| (d.path.as_str(), target(d))).collect::<Vec<_>>())?;
    }
    Ok(docs.iter().map(|d| target(d)).collect())
}

/// The verified tarball of `package`, downloaded unless the cache has it.
fn tarball(package: &Package, cache: &Path) -> Result<PathBuf, String> {
    let file = cache.join(format!("{}-{}.tgz", package.name.replace(['@', '/'], "_"), package.version));
    if let Ok(bytes) = std::fs::read(&file) {
        if sha256_hex(&bytes) == package.sha256 {
            return Ok(file);
        }
        eprintln!("corpus: cached {} has the wrong checksum; downloading again", file.display());
    }
    eprintln!("corpus: downloading {} {} from {}", package.name, package.version, package.url);
    let bytes = download(&package.url)?;
    let got = sha256_hex(&bytes);
    if got != package.sha256 {
        return Err(format!(
            "{} {}: sha256 is {got}, the manifest pins {}; refusing to use it",
            package.name, package.version, package.sha256
        ));
    }
    let partial = file.with_extension("part");
    std::fs::write(&partial, &bytes).map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
    std::fs::rename(&partial, &file).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    Ok(file)
}

fn download(url: &str) -> Result<Vec<u8>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(30))
            .timeout(std::time::Duration::from_secs(600))
            .build()
            .map_err(|e| format!("cannot build an HTTP client: {e}"))?;
        let response = client.get(url).send().await.map_err(|e| format!("GET {url}: {e}"))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("GET {url}: HTTP {status}"));
        }
        response.bytes().await.map(|b| b.to_vec()).map_err(|e| format!("GET {url}: {e}"))
    })
}

/// Lowercase hex sha256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Extracts every entry of `package` whose path `pick` accepts into
/// `dir/sweep/<package>/`, once (a marker file remembers it). Returns the
/// extracted files' paths inside the tarball and on disk, sorted.
pub fn all_documents(
    package: &Package,
    dir: &Path,
    pick: impl Fn(&str) -> bool,
) -> Result<Vec<(String, PathBuf)>, String> {
    let root = dir.join("sweep").join(format!("{}-{}", package.name.replace(['@', '/'], "_"), package.version));
    let marker = root.join(".complete");
    if !marker.exists() {
        let tarball = tarball(package, &dir.join("cache"))?;
        unpack(&tarball, |path| {
            // Only plain relative paths: an entry must not land outside `root`.
            let plain = path.components().all(|c| matches!(c, std::path::Component::Normal(_)));
            (plain && pick(&path.to_string_lossy())).then(|| root.join(path))
        })?;
        std::fs::create_dir_all(&root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
        std::fs::write(&marker, "").map_err(|e| format!("cannot write {}: {e}", marker.display()))?;
    }
    let mut found = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| format!("cannot read {}: {e}", d.display()))? {
            let path = entry.map_err(|e| format!("cannot read {}: {e}", d.display()))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(&root)
                && pick(&rel.to_string_lossy())
            {
                found.push((rel.to_string_lossy().into_owned(), path.clone()));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Copies the entries named in `wanted` out of a `.tgz` in one pass.
fn extract(tarball: &Path, wanted: &[(&str, PathBuf)]) -> Result<(), String> {
    let found = unpack(tarball, |path| {
        let path = path.to_string_lossy();
        wanted.iter().find(|(p, _)| *p == path).map(|(_, dest)| dest.clone())
    })?;
    let missing: Vec<&str> = wanted.iter().map(|(p, _)| *p).filter(|p| !found.contains(*p)).collect();
    if !missing.is_empty() {
        return Err(format!("{} has no {}", tarball.display(), missing.join(", ")));
    }
    Ok(())
}

/// Writes each regular file of a `.tgz` to where `dest` says (`None`: left
/// out), in one pass. Returns the paths written, as the tarball names them.
fn unpack(tarball: &Path, dest: impl Fn(&Path) -> Option<PathBuf>) -> Result<BTreeSet<String>, String> {
    let file = std::fs::File::open(tarball).map_err(|e| format!("cannot open {}: {e}", tarball.display()))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut found = BTreeSet::new();
    let entries = archive.entries().map_err(|e| format!("{}: {e}", tarball.display()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("{}: {e}", tarball.display()))?;
        let path = entry.path().map_err(|e| format!("{}: {e}", tarball.display()))?.into_owned();
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let Some(to) = dest(&path) else { continue };
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(|e| format!("{}: {}: {e}", tarball.display(), path.display()))?;
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&to, bytes).map_err(|e| format!("cannot write {}: {e}", to.display()))?;
        found.insert(path.to_string_lossy().into_owned());
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_manifest_is_valid() {
        let manifest = Manifest::load(&crate::root().join("bench/corpus.toml")).unwrap();
        assert!(manifest.documents.len() >= 12);
        for p in &manifest.packages {
            assert_eq!(p.sha256.len(), 64, "{}", p.name);
            assert!(p.url.starts_with("https://registry.npmjs.org/"), "{}", p.url);
        }
    }

    #[test]
    fn a_whole_package_is_extracted_once_and_filtered() {
        let dir = tempfile::tempdir().unwrap();
        let mut tgz = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
        for (path, text) in [("package/api/a.json", "{}"), ("package/package.json", "{}"), ("package/README.md", "x")] {
            let mut header = tar::Header::new_gnu();
            header.set_size(text.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            tgz.append_data(&mut header, path, text.as_bytes()).unwrap();
        }
        let bytes = tgz.into_inner().unwrap().finish().unwrap();
        let package = Package {
            name: "@x/pkg".into(),
            version: "1.0.0".into(),
            url: "https://registry.npmjs.org/never-fetched".into(),
            sha256: sha256_hex(&bytes),
            origin: "test".into(),
        };
        std::fs::create_dir_all(dir.path().join("cache")).unwrap();
        std::fs::write(dir.path().join("cache/_x_pkg-1.0.0.tgz"), &bytes).unwrap();
        let pick = |p: &str| p.ends_with(".json") && !p.ends_with("/package.json");
        let found = all_documents(&package, dir.path(), pick).unwrap();
        assert_eq!(found.iter().map(|(rel, _)| rel.as_str()).collect::<Vec<_>>(), ["package/api/a.json"]);
        assert_eq!(std::fs::read_to_string(&found[0].1).unwrap(), "{}");
        // The second time reads what is on disk; the tarball is not needed.
        std::fs::remove_file(dir.path().join("cache/_x_pkg-1.0.0.tgz")).unwrap();
        assert_eq!(all_documents(&package, dir.path(), pick).unwrap(), found);
    }

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
