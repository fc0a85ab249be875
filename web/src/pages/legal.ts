import { ApiError, api } from '../api.js';
import { fill, h, notice } from '../dom.js';
import { lang, t } from '../i18n.js';
import { heading, problemText, type Page } from '../page.js';

interface LegalPage {
  name: string;
  lang: string;
  title: string;
  html: string;
  videos?: { title: string; file: string; captions: string }[];
}

/**
 * The legal and accessibility pages: the operator's text (or the shipped template), as the server
 * renders it from Markdown; the accessibility statement with its form for reporting a barrier, the
 * sign-language page with its captioned videos.
 */
export const legalPage =
  (name: string): Page =>
  async (main, { params }) => {
    const page = params[0] ? `${name}-${params[0]}` : name;
    let content: LegalPage;
    try {
      content = await api<LegalPage>('GET', `/api/v1/pages/${page}?lang=${lang()}`);
    } catch (err) {
      fill(
        main,
        heading(t('error.notFoundPage')),
        notice('problem', err instanceof ApiError && err.status === 404 ? t('error.notFoundPage') : problemText(err)),
      );
      return;
    }
    const body = h('div', { class: 'legal', lang: content.lang });
    // The server rendered it from the operator's Markdown, with any raw HTML escaped.
    body.innerHTML = content.html;
    fill(main, heading(content.title), body, content.videos ? videoList(content.videos) : null, name === 'barrierefreiheit' ? reportForm() : null);
    main.querySelector('h1')!.setAttribute('lang', content.lang);
  };

function videoList(videos: NonNullable<LegalPage['videos']>): HTMLElement {
  if (videos.length === 0) return notice('info', t('legal.noVideos'));
  return h(
    'ul',
    { class: 'videos' },
    videos.map((v) =>
      h(
        'li',
        {},
        h('h2', {}, v.title),
        h(
          'video',
          { controls: true, preload: 'none', src: `/inhalte/videos/${encodeURIComponent(v.file)}`, 'aria-label': v.title },
          h('track', { kind: 'captions', srclang: 'de', label: 'Deutsch', default: true, src: `/inhalte/videos/${encodeURIComponent(v.captions)}` }),
        ),
      ),
    ),
  );
}

/** The feedback the accessibility statement must offer: it reaches staff (GET /api/v1/admin/barrier-reports). */
function reportForm(): HTMLElement {
  const status = h('div', { 'aria-live': 'polite' });
  const form: HTMLFormElement = h(
    'form',
    { novalidate: true, onsubmit: (e: Event) => (e.preventDefault(), void send()) },
    h('h2', { id: 'report-title' }, t('legal.reportTitle')),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'f-message' }, t('legal.message')),
      h('textarea', { id: 'f-message', name: 'message', rows: 6, maxlength: 5000, required: true, 'aria-describedby': 'f-message-error' }),
      h('p', { class: 'field-error', id: 'f-message-error', hidden: true }),
    ),
    h('div', { class: 'field' }, h('label', { for: 'f-where' }, t('legal.where')), h('input', { id: 'f-where', name: 'where', maxlength: 200 })),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'f-contact' }, t('legal.contact')),
      h('p', { class: 'hint', id: 'f-contact-hint' }, t('legal.contactHint')),
      h('input', { id: 'f-contact', name: 'contact', maxlength: 254, autocomplete: 'email', 'aria-describedby': 'f-contact-hint' }),
    ),
    h('button', { type: 'submit' }, t('legal.send')),
    status,
  );

  async function send(): Promise<void> {
    const message = form.querySelector<HTMLTextAreaElement>('textarea')!;
    const error = form.querySelector<HTMLElement>('#f-message-error')!;
    const empty = message.value.trim() === '';
    error.textContent = empty ? t('details.required') : '';
    error.hidden = !empty;
    if (empty) {
      message.setAttribute('aria-invalid', 'true');
      message.focus();
      return;
    }
    message.removeAttribute('aria-invalid');
    const where = form.querySelector<HTMLInputElement>('[name="where"]')!.value.trim();
    const contact = form.querySelector<HTMLInputElement>('[name="contact"]')!.value.trim();
    try {
      await api('POST', '/api/v1/barrier-reports', { body: { message: message.value, ...(where ? { page: where } : {}), ...(contact ? { contact } : {}) } });
      form.reset();
      fill(status, notice('success', t('legal.thanks')));
    } catch (err) {
      fill(status, notice('problem', problemText(err)));
    }
  }
  return form;
}
