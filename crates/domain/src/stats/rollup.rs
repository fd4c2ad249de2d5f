//! Adding figures up the tree (按隶属关系逐级汇总) while reading orgs once in path order.
//!
//! Orgs read in path order come depth-first (a subtree's paths share its prefix and sort
//! together), so a stack of the current org's ancestors is enough: when the next org is not
//! below the top of the stack, the top's subtree is complete; it is handed to the caller and
//! added into its parent's. Memory is the depth of the tree, whatever its size.

/// Cells that add up: an org's subtree is its own plus each child's subtree.
pub trait Cells: Default + Clone {
    fn add(&mut self, other: &Self);
}

impl Cells for super::MemberTables {
    fn add(&mut self, other: &Self) {
        super::MemberTables::add(self, other);
    }
}

impl Cells for super::OrgTables {
    fn add(&mut self, other: &Self) {
        super::OrgTables::add(self, other);
    }
}

impl<A: Cells, B: Cells> Cells for (A, B) {
    fn add(&mut self, other: &Self) {
        self.0.add(&other.0);
        self.1.add(&other.1);
    }
}

struct Open<T> {
    id: i64,
    path: String,
    own: T,
    subtree: T,
}

/// The running roll-up. Push orgs in path order with their own figures; each org's subtree
/// figures reach `sink(id, own, subtree)` once all of its descendants were pushed (the last ones
/// at [`Rollup::finish`]).
pub struct Rollup<T: Cells> {
    stack: Vec<Open<T>>,
}

impl<T: Cells> Default for Rollup<T> {
    fn default() -> Self {
        Rollup { stack: Vec::new() }
    }
}

impl<T: Cells> Rollup<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// The next org in path order (`path` as stored: "/1/5/"), with its own figures.
    pub fn push(&mut self, id: i64, path: &str, own: T, sink: &mut impl FnMut(i64, &T, &T)) {
        while self.stack.last().is_some_and(|top| !path.starts_with(top.path.as_str())) {
            self.close(sink);
        }
        let subtree = own.clone();
        self.stack.push(Open { id, path: path.to_string(), own, subtree });
    }

    /// Closes every org still open, the outermost last.
    pub fn finish(mut self, sink: &mut impl FnMut(i64, &T, &T)) {
        while !self.stack.is_empty() {
            self.close(sink);
        }
    }

    fn close(&mut self, sink: &mut impl FnMut(i64, &T, &T)) {
        if let Some(done) = self.stack.pop() {
            sink(done.id, &done.own, &done.subtree);
            if let Some(parent) = self.stack.last_mut() {
                parent.subtree.add(&done.subtree);
            }
        }
    }
}
