//! Offset/limit pagination: pages one at a time, or every item as a stream.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::runtime::error::Error;
use crate::runtime::response::Response;

/// A list call that pages with `offset` and `limit`. Implemented by the
/// generated list builders.
pub trait Paginated: Clone + Send + Sync + 'static {
    /// The response body of one page.
    type Page: Send + Sync + 'static;
    /// One item of a page.
    type Item: Send + 'static;
    /// The operation's error.
    type Error: Send + 'static;

    /// Fetches the page this call describes.
    fn fetch(self) -> impl Future<Output = Result<Response<Self::Page>, Error<Self::Error>>> + Send;
    /// The offset this call asks for (`None`: not sent, the server starts at 0).
    fn page_offset(&self) -> Option<i64>;
    /// The limit this call asks for (`None`: not sent, the server's default).
    fn page_limit(&self) -> Option<i64>;
    /// The limit the server applies when none is sent.
    fn default_limit() -> Option<i64>;
    /// The same call for another offset.
    fn at_offset(self, offset: i64) -> Self;
    /// The items of a page.
    fn items(page: &Self::Page) -> &[Self::Item];
    /// Takes the items of a page.
    fn into_items(page: Self::Page) -> Vec<Self::Item>;
    /// The total number of items across pages, when the page says.
    fn total(page: &Self::Page) -> Option<i64>;
}

/// The call for the page after `page`, or `None` when `page` is the last:
/// it is empty, shorter than the limit, or reaches the total.
fn next_call<R: Paginated>(call: &R, page: &R::Page) -> Option<R> {
    let count = R::items(page).len() as i64;
    if count == 0 {
        return None;
    }
    if let Some(limit) = call.page_limit().or_else(R::default_limit)
        && count < limit
    {
        return None;
    }
    let next = call.page_offset().unwrap_or(0) + count;
    if R::total(page).is_some_and(|total| next >= total) {
        return None;
    }
    Some(call.clone().at_offset(next))
}

/// One page of results, and the way to the next.
pub struct Page<R: Paginated> {
    response: Response<R::Page>,
    next: Option<R>,
}

impl<R: Paginated> Page<R> {
    pub(crate) fn new(call: &R, response: Response<R::Page>) -> Self {
        let next = next_call(call, response.body());
        Page { response, next }
    }

    /// The items of this page.
    pub fn items(&self) -> &[R::Item] {
        R::items(self.response.body())
    }

    /// The whole response.
    pub fn response(&self) -> &Response<R::Page> {
        &self.response
    }

    /// Takes the whole response.
    pub fn into_response(self) -> Response<R::Page> {
        self.response
    }

    /// Whether another page may follow (checked without a request).
    pub fn has_next(&self) -> bool {
        self.next.is_some()
    }

    /// Fetches the next page with the same limit, filters and call settings,
    /// or returns `None` when this page is the last.
    pub async fn next(&self) -> Result<Option<Page<R>>, Error<R::Error>> {
        let Some(call) = self.next.clone() else { return Ok(None) };
        let response = call.clone().fetch().await?;
        Ok(Some(Page::new(&call, response)))
    }
}

impl<R: Paginated> std::fmt::Debug for Page<R>
where
    R::Page: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Page").field("response", &self.response).field("has_next", &self.has_next()).finish()
    }
}

impl<R: Paginated> std::ops::Deref for Page<R> {
    type Target = R::Page;
    fn deref(&self) -> &R::Page {
        self.response.body()
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A page being fetched, with the call that asked for it.
type Fetch<R> = BoxFuture<(R, Result<Response<<R as Paginated>::Page>, Error<<R as Paginated>::Error>>)>;

/// Every item of every page, fetching pages as they are needed.
///
/// It is a [`Stream`]; without a stream library, call [`ItemStream::next`]
/// in a loop, or [`ItemStream::try_collect`].
pub struct ItemStream<R: Paginated> {
    buffered: std::vec::IntoIter<R::Item>,
    next: Option<R>,
    pending: Option<Fetch<R>>,
}

impl<R: Paginated> ItemStream<R> {
    pub(crate) fn new(first: R) -> Self {
        ItemStream { buffered: Vec::new().into_iter(), next: Some(first), pending: None }
    }

    /// The next item, `None` after the last.
    pub async fn next(&mut self) -> Option<Result<R::Item, Error<R::Error>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every remaining item, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<R::Item>, Error<R::Error>> {
        let mut out = Vec::new();
        while let Some(item) = self.next().await {
            out.push(item?);
        }
        Ok(out)
    }
}

impl<R: Paginated> Unpin for ItemStream<R> {}

impl<R: Paginated> Stream for ItemStream<R> {
    type Item = Result<R::Item, Error<R::Error>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.buffered.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            if self.pending.is_none() {
                let Some(call) = self.next.take() else { return Poll::Ready(None) };
                self.pending = Some(Box::pin(async move {
                    let result = call.clone().fetch().await;
                    (call, result)
                }));
            }
            let fut = self.pending.as_mut().expect("set above");
            let (call, result) = match fut.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(r) => r,
            };
            self.pending = None;
            match result {
                Err(e) => return Poll::Ready(Some(Err(e))),
                Ok(response) => {
                    self.next = next_call(&call, response.body());
                    self.buffered = R::into_items(response.into_body()).into_iter();
                }
            }
        }
    }
}

impl<R: Paginated> std::fmt::Debug for ItemStream<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream")
            .field("buffered", &self.buffered.len())
            .field("more", &(self.next.is_some() || self.pending.is_some()))
            .finish()
    }
}
