import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** Where the page is: the path and its query, as the address bar shows them. */
export interface PageLocation {
  path: string;
  query: URLSearchParams;
}

const listeners = new Set<() => void>();
const notify = (): void => listeners.forEach((listener) => listener());
addEventListener('popstate', notify);

const current = (): PageLocation => ({
  path: location.pathname,
  query: new URLSearchParams(location.search),
});

/**
 * Moves to another page of the dashboard without a reload (history API), so
 * the back button and shared links work as on any site.
 *
 * @example
 * ```ts
 * navigate(`/jobs/${jobId}`);
 * navigate('/jobs?state=FAILED', { replace: true });
 * ```
 */
export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (options.replace === true) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  notify();
}

/**
 * The current location, re-rendering the component when it changes.
 *
 * @example
 * ```ts
 * const { path, query } = useLocation();
 * ```
 */
export function useLocation(): PageLocation {
  const [where, setWhere] = useState(current);
  useEffect(() => {
    const listener = (): void => setWhere(current());
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  return where;
}

/** Props of `Link`. */
export interface LinkProps {
  href: string;
  class?: string;
  rel?: string;
  children?: ComponentChildren;
}

/**
 * An `<a>` to a dashboard page: a plain click navigates in place, a
 * modified click (new tab, new window) is left to the browser.
 *
 * @example
 * ```tsx
 * <Link href={`/jobs/${job.jobId}`}>{job.jobId}</Link>
 * ```
 */
export function Link({ href, children, ...rest }: LinkProps): JSX.Element {
  const onClick = (event: MouseEvent): void => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    navigate(href);
  };
  return (
    <a {...rest} href={href} onClick={onClick}>
      {children}
    </a>
  );
}
