import { useRef, useState, type ChangeEvent } from 'react';
import { EditorContent, useEditor } from '@tiptap/react';
import type { Editor } from '@tiptap/react';
import { NodeSelection } from '@tiptap/pm/state';
import { StarterKit } from '@tiptap/starter-kit';
import type { Doc } from '../../../../shared/content/doc.ts';
import { isSafeHref } from '../../../../shared/content/doc.ts';
import { IMAGE_ACCEPT, useAddImage } from '../media/use-media.ts';
import { AltTextForm } from './alt-text-form.tsx';
import { EditorToolbar } from './editor-toolbar.tsx';
import { BodyImage } from './image-node.tsx';
import { LinkForm } from './link-form.tsx';
import { cleanPastedHtml } from './paste-cleaner.ts';
import { filesOf, htmlHasText, imagesInPastedHtml, remoteImagesNotice } from './pasted-images.ts';

/**
 * The rich body: only what the core's body schema accepts (H2/H3, bold,
 * italic, links, lists, quotes, images from our media store), so pasted formatting that is not ours is dropped by the schema.
 */
export function BodyEditor({
  initial,
  onChange,
  labelledBy,
}: {
  initial: Doc;
  onChange: (doc: Doc) => void;
  labelledBy: string;
}) {
  const [linkOpen, setLinkOpen] = useState(false);
  const [altFor, setAltFor] = useState<number | null>(null);
  const [imageError, setImageError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const addImage = useAddImage();
  const openLink = useRef(() => setLinkOpen(true));
  const openAlt = useRef((pos: number) => setAltFor(pos));
  // Set on every render (below), so the editor's paste and drop handlers always reach the current upload.
  const addFiles = useRef<(files: File[], at: number | null) => void>(() => undefined);
  const editor = useEditor({
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3] },
        code: false,
        codeBlock: false,
        strike: false,
        underline: false,
        horizontalRule: false,
        link: {
          openOnClick: false,
          autolink: true,
          defaultProtocol: 'https',
          protocols: ['mailto', 'tel'],
          isAllowedUri: (url) => isSafeHref(url),
          HTMLAttributes: { target: null, rel: 'noopener noreferrer' },
        },
      }),
      BodyImage.configure({ onEditAlt: (pos) => openAlt.current(pos) }),
    ],
    content: initial,
    // The base CSS ships in prosemirror.css: the page's CSP refuses injected <style> tags.
    injectCSS: false,
    editorProps: {
      attributes: { 'aria-labelledby': labelledBy, 'aria-multiline': 'true', role: 'textbox', class: 'body-editor' },
      transformPastedHTML: (html) => cleanPastedHtml(html),
      // A pasted or dropped image file goes through the same upload as the Image button. Pasted HTML keeps its
      // text; its data: images are uploaded like files and its other pictures are left out, never fetched.
      handlePaste: (view, event) => {
        const html = event.clipboardData?.getData('text/html') ?? '';
        const files = filesOf(event.clipboardData);
        if (files.length > 0 && !htmlHasText(html)) {
          event.preventDefault();
          addFiles.current(files, null);
          return true;
        }
        if (html) {
          const { embedded, remote } = imagesInPastedHtml(html);
          setNotice(remoteImagesNotice(remote));
          // After the text is in, so the images land after it.
          if (embedded.length > 0) setTimeout(() => addFiles.current(embedded, null), 0);
        }
        return false;
      },
      handleDrop: (view, event, _slice, moved) => {
        if (moved) return false;
        const files = filesOf(event.dataTransfer);
        if (files.length === 0) return false;
        event.preventDefault();
        const at = view.posAtCoords({ left: event.clientX, top: event.clientY });
        addFiles.current(files, at ? at.pos : null);
        return true;
      },
      handleKeyDown: (view, event) => {
        if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
          event.preventDefault();
          openLink.current();
          return true;
        }
        // Enter on a selected image edits its alt text.
        const { selection } = view.state;
        if (event.key === 'Enter' && selection instanceof NodeSelection && selection.node.type.name === 'image') {
          event.preventDefault();
          openAlt.current(selection.from);
          return true;
        }
        return false;
      },
    },
    onUpdate: ({ editor: e }) => onChange(e.getJSON() as Doc),
  });

  if (!editor) return null;

  /**
   * Uploads image files one by one (each checked by its bytes and size) and inserts them at `at`, or at the
   * cursor; the alt-text form opens for the first one. A file that is refused is explained and the rest still go in.
   */
  const uploadAndInsert = async (files: File[], at: number | null) => {
    setImageError(null);
    setUploading(true);
    let first: number | null = null;
    let where = at;
    try {
      for (const file of files) {
        try {
          const id = await addImage(file);
          const pos = insertImage(editor, `media:${id}`, where);
          first ??= pos;
          where = null;
        } catch (error) {
          setImageError(error instanceof Error ? error.message : 'The image could not be added.');
        }
      }
    } finally {
      setUploading(false);
    }
    if (first !== null) setAltFor(first);
    else editor.commands.focus();
  };
  addFiles.current = (files, at) => void uploadAndInsert(files, at);

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setNotice(null);
    await uploadAndInsert([file], null);
  };

  return (
    <div className="editor-frame">
      <EditorToolbar
        editor={editor}
        onLink={() => setLinkOpen(true)}
        onImage={() => fileInput.current?.click()}
        imageBusy={uploading}
      />
      <input
        ref={fileInput}
        type="file"
        accept={IMAGE_ACCEPT}
        className="visually-hidden"
        aria-label="Image file"
        tabIndex={-1}
        onChange={(e) => void onFile(e)}
      />
      {imageError && (
        <p className="error-text editor-alert" role="alert">
          {imageError}
        </p>
      )}
      <p className="editor-alert editor-notice" role="status">
        {notice}
      </p>
      {linkOpen && <LinkForm editor={editor} onClose={() => closeForm(editor, () => setLinkOpen(false))} />}
      {altFor !== null && (
        <AltTextForm
          key={altFor}
          editor={editor}
          pos={altFor}
          onClose={() => closeForm(editor, () => setAltFor(null))}
        />
      )}
      <EditorContent editor={editor} />
    </div>
  );
}

/**
 * Inserts the image at `at` (where it was dropped) or at the cursor, with no alt text yet ("Alt text missing"
 * shows until it is written). Returns the image's position, for the alt-text form.
 */
function insertImage(editor: Editor, src: string, at: number | null): number | null {
  const image = { type: 'image', attrs: { src, alt: '', caption: null } };
  const chain = editor.chain().focus();
  (at === null ? chain.insertContent(image) : chain.insertContentAt(at, image)).run();
  // The new image is the last one with this source before the cursor.
  let found: number | null = null;
  const cursor = editor.state.selection.from;
  editor.state.doc.descendants((node, pos) => {
    if (node.type.name === 'image' && node.attrs.src === src && pos <= cursor) found = pos;
  });
  return found;
}

function closeForm(editor: Editor, close: () => void) {
  close();
  editor.commands.focus();
}
