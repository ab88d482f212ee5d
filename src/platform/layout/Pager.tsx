// Previous and next links of a paged list (back-office lists keep their filters in `href`).
import type { PageContext } from './context.ts';

/** A filtered list's query string: the filled fields and, past the first, the page (`pagina`). */
export const filterQuery = (form: object, page?: number) =>
  new URLSearchParams({
    ...Object.fromEntries(Object.entries(form).filter(([, v]) => v !== '')),
    ...(page && page > 1 ? { pagina: String(page) } : {}),
  }).toString();

/** Previous and next pages of a list, keeping its filters. */
export function Pager(props: {
  ctx: PageContext;
  page: number;
  pages: number;
  href: (page: number) => string;
}) {
  const { ctx, page, pages } = props;
  const { t } = ctx;
  if (pages <= 1) return null;
  return (
    <nav class="pagination-wrapper" aria-label={t('pager.pages')}>
      <ul class="pagination">
        {page > 1 && (
          <li class="page-item">
            <a class="page-link" href={props.href(page - 1)}>
              {t('pager.previous')}
            </a>
          </li>
        )}
        <li class="page-item">
          <span class="page-link" aria-current="page">
            {t('pager.pageOf', { page, pages })}
          </span>
        </li>
        {page < pages && (
          <li class="page-item">
            <a class="page-link" href={props.href(page + 1)}>
              {t('pager.next')}
            </a>
          </li>
        )}
      </ul>
    </nav>
  );
}
