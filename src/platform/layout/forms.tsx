// Form pieces shared by every page: a labelled field (text, file…) with its hint and its error next to it
// (aria-invalid and aria-describedby), an error summary linking to the fields, and the hidden CSRF token.
import { type ComponentChildren, createContext } from 'preact';
import { useContext } from 'preact/hooks';

/** What the page being rendered shows: an ErrorSummary marks it invalid, and the Layout says so in its title. */
export const PageState = createContext<{ invalid: boolean } | null>(null);

export interface FieldProps {
  name: string;
  label: string;
  value?: string;
  /** `file` for an upload (the form is multipart): no value, no length. */
  type?: string;
  error?: string | null | undefined;
  /** Below the field, read after the error by assistive technology. */
  hint?: ComponentChildren;
  autocomplete?: string;
  inputMode?: 'numeric' | 'email' | 'tel' | 'text';
  maxLength?: number;
  required?: boolean;
  spellcheck?: boolean;
  accept?: string;
}

export function Field({
  name,
  label,
  value = '',
  type = 'text',
  error,
  hint,
  autocomplete,
  inputMode,
  maxLength = 300,
  required,
  spellcheck,
  accept,
}: FieldProps) {
  const file = type === 'file';
  const described = [error ? `${name}-error` : null, hint !== undefined ? `${name}-hint` : null]
    .filter(Boolean)
    .join(' ');
  return (
    <div class="form-group mt-4">
      <label for={name} class="active">
        {label}
      </label>
      <input
        id={name}
        name={name}
        type={type}
        value={file ? undefined : value}
        maxLength={file ? undefined : maxLength}
        autocomplete={autocomplete}
        inputMode={inputMode}
        required={required}
        spellcheck={spellcheck}
        accept={accept}
        class={error ? 'form-control is-invalid' : 'form-control'}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described || undefined}
      />
      {hint !== undefined && (
        <small id={`${name}-hint`} class="form-text">
          {hint}
        </small>
      )}
      {error && (
        <div class="invalid-feedback d-block" id={`${name}-error`}>
          {error}
        </div>
      )}
    </div>
  );
}

/**
 * The errors of a form, at its top, each linking to its field: `field` is the id of the field's first
 * control (for a group of radio buttons, the first one's), where the link moves the focus. The summary
 * takes the focus when the page loads (`autofocus`, no script), so a screen reader reads it at once, and
 * the page's title starts with "Errore:".
 */
export function ErrorSummary({
  title,
  errors,
}: {
  title: string;
  errors: { field: string; message: string }[];
}) {
  const page = useContext(PageState);
  if (errors.length === 0) return null;
  if (page) page.invalid = true;
  return (
    <div class="alert alert-danger" id="error-summary" tabIndex={-1} autofocus>
      <div role="alert">
        <h2 class="h5 mb-1">{title}</h2>
        <ul class="mb-0">
          {errors.map((e) => (
            <li>
              <a href={`#${e.field}`}>{e.message}</a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

export const CsrfField = ({ token }: { token: string }) => <input type="hidden" name="_csrf" value={token} />;

/** A form that is a single button: posts to `action` with the CSRF token and any hidden fields. */
export function PostButton(props: {
  action: string;
  csrf: string;
  label: string;
  /** Classes of the button (Bootstrap Italia), e.g. 'btn btn-primary'. */
  button: string;
  /** Classes of the form, for its placement. */
  form?: string;
  hidden?: Record<string, string>;
}) {
  return (
    <form method="post" action={props.action} class={props.form}>
      <CsrfField token={props.csrf} />
      {Object.entries(props.hidden ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button class={props.button} type="submit">
        {props.label}
      </button>
    </form>
  );
}

/** A labelled choice among options, with its error next to it like Field's. */
export function SelectField(props: {
  name: string;
  label: string;
  /** `lang` marks an option written in another language than the page (e.g. a legal text in Italian). */
  options: { value: string; label: string; lang?: string }[];
  value?: string;
  error?: string;
}) {
  const { name, label, options, value, error } = props;
  return (
    <div class="select-wrapper mt-4">
      <label for={name}>{label}</label>
      <select
        id={name}
        name={name}
        class={error ? 'is-invalid' : undefined}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${name}-error` : undefined}
      >
        {options.map((o) => (
          <option value={o.value} selected={o.value === value} lang={o.lang}>
            {o.label}
          </option>
        ))}
      </select>
      {error && (
        <div class="invalid-feedback d-block" id={`${name}-error`}>
          {error}
        </div>
      )}
    </div>
  );
}
