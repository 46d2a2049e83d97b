import { useEffect, useId, useRef, useState } from 'react';
import type { Editor } from '@tiptap/react';
import { checkLinkInput } from './link-input.ts';

/** Adds, changes or removes the link on the selected text. */
export function LinkForm({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const current = (editor.getAttributes('link') as { href?: string }).href ?? '';
  const [value, setValue] = useState(current);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const ids = { input: useId(), error: useId() };
  useEffect(() => input.current?.focus(), []);

  const apply = () => {
    const checked = checkLinkInput(value);
    if ('error' in checked) {
      setError(checked.error);
      input.current?.focus();
      return;
    }
    const chain = editor.chain().focus().extendMarkRange('link');
    if (editor.state.selection.empty && !editor.isActive('link')) {
      chain
        .insertContent({ type: 'text', text: checked.href, marks: [{ type: 'link', attrs: { href: checked.href } }] })
        .run();
    } else {
      chain.setLink({ href: checked.href }).run();
    }
    onClose();
  };

  return (
    <div
      className="link-form"
      role="group"
      aria-label="Link"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <label htmlFor={ids.input}>Link to</label>
      <input
        id={ids.input}
        ref={input}
        type="url"
        inputMode="url"
        value={value}
        placeholder="https://www.example.gov.uk/page"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? ids.error : undefined}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            apply();
          }
        }}
      />
      <button type="button" className="button primary" onClick={apply}>
        {current ? 'Update link' : 'Add link'}
      </button>
      {current && (
        <button
          type="button"
          className="button"
          onClick={() => {
            editor.chain().focus().extendMarkRange('link').unsetLink().run();
            onClose();
          }}
        >
          Remove link
        </button>
      )}
      <button type="button" className="button" onClick={onClose}>
        Cancel
      </button>
      {error && (
        <p id={ids.error} className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
