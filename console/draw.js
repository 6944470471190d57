// Photos with faces drawn on them, on a canvas at the photo's own resolution (the browser applies EXIF
// orientation when decoding, as the service does).

export const BOX_COLOUR = "rgb(0, 200, 255)";
export const CHOSEN_COLOUR = "rgb(255, 200, 0)";
export const LANDMARK_COLOUR = "rgb(255, 60, 120)";

export function loadImage(blob) {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(blob);
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error("The browser cannot show this image."));
    image.src = url;
  });
}

// Draw `image` and every face: its box, a label (text or null) and its landmarks.
export function drawFaces(canvas, image, faces, labels = [], colours = []) {
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const line = Math.max(2, Math.round(Math.max(canvas.width, canvas.height) / 300));
  const fontSize = Math.max(12, line * 7);
  context.font = `${fontSize}px system-ui, sans-serif`;
  faces.forEach((face, index) => {
    const { left, top, width, height } = face.faceRectangle;
    const colour = colours[index] || BOX_COLOUR;
    context.lineWidth = line;
    context.strokeStyle = colour;
    context.strokeRect(left, top, width, height);
    context.fillStyle = LANDMARK_COLOUR;
    for (const point of Object.values(face.faceLandmarks || {})) {
      context.beginPath();
      context.arc(point.x, point.y, line, 0, 2 * Math.PI);
      context.fill();
    }
    const label = labels[index] ?? String(index + 1);
    if (label) {
      const textWidth = context.measureText(label).width + line * 2;
      const y = top >= fontSize + line * 2 ? top - fontSize - line * 2 : top + height;
      context.fillStyle = colour;
      context.fillRect(left - line / 2, y, textWidth, fontSize + line * 2);
      context.fillStyle = "black";
      context.fillText(label, left + line / 2, y + fontSize);
    }
  });
  canvas.dataset.faces = String(faces.length);
}

// The face whose box holds the canvas point under a click, or -1.
export function faceAt(canvas, faces, event) {
  const bounds = canvas.getBoundingClientRect();
  const x = ((event.clientX - bounds.left) * canvas.width) / bounds.width;
  const y = ((event.clientY - bounds.top) * canvas.height) / bounds.height;
  return faces.findIndex(({ faceRectangle: r }) => x >= r.left && x <= r.left + r.width && y >= r.top && y <= r.top + r.height);
}
